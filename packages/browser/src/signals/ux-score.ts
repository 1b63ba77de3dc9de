import type { Signal } from '../types.ts';

/** The composite user-experience score's weights: loading and interaction count most. Missing parts (no interaction yet) are left out and the rest reweighted. */
export const UX_WEIGHTS = { performance: 0.3, interaction: 0.3, reliability: 0.2, visualStability: 0.2 } as const;
const RATING_SCORE: Record<string, number> = { good: 100, 'needs-improvement': 50, poor: 0 };

export function uxScore(ratings: { lcp?: string; inp?: string; cls?: string }, errors: number): number {
  const parts: [number, number | undefined][] = [
    [UX_WEIGHTS.performance, ratings.lcp ? RATING_SCORE[ratings.lcp] : undefined],
    [UX_WEIGHTS.interaction, ratings.inp ? RATING_SCORE[ratings.inp] : undefined],
    [UX_WEIGHTS.reliability, Math.max(0, 100 - 25 * errors)],
    [UX_WEIGHTS.visualStability, ratings.cls ? RATING_SCORE[ratings.cls] : undefined],
  ];
  const present = parts.filter((p): p is [number, number] => p[1] !== undefined);
  const weight = present.reduce((n, [w]) => n + w, 0);
  return Math.round(present.reduce((n, [w, s]) => n + w * s, 0) / weight);
}

/** Reported once per page view, when the page is hidden, from the web vitals seen so far. */
export const userExperienceScore: Signal = {
  name: 'userExperienceScore',
  start(report, context) {
    let sent = false;
    context.onHidden(() => {
      if (sent) return;
      sent = true;
      const rating = (name: string) => context.lastReported(name)?.tags?.rating;
      report({
        name: 'user_experience_score',
        value: uxScore({ lcp: rating('web_vitals_lcp'), inp: rating('web_vitals_inp'), cls: rating('web_vitals_cls') }, context.errors()),
        unit: 'score',
        tags: { score_type: 'composite' },
      });
    });
  },
};
