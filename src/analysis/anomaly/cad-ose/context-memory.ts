import { python2TupleHash } from './python2-hash.ts';
import { Python2IntDict } from './python2-int-dict.ts';

/** One side (left or right) of a context: a set of facts, and which of them the current input crossed. */
interface SemiContext {
  /** Its number on its side, in order of creation. */
  id: number;
  /** How many facts it holds. */
  size: number;
  /** The facts of the current input it holds, in input order. */
  crossed: number[];
  /** `crossed.length`, as of the last crossing of its side. */
  crossedCount: number;
  /** Left side only: the contexts it starts, by the id of their right side. */
  contextsByRight?: Python2IntDict;
}

interface Context {
  /** How often it has been fully active. */
  activations: number;
  /** Made from two consecutive inputs directly, not from crossing other contexts. */
  zeroLevel: boolean;
  leftHash: bigint;
  rightHash: bigint;
}

/** A context as facts: the left facts (the previous input and its active contexts) and the right (the input). */
export type FactPair = readonly [left: readonly number[], right: readonly number[]];

export interface ActiveContext {
  id: number;
  activations: number;
  leftHash: bigint;
  rightHash: bigint;
}

const LEFT = 0;
const RIGHT = 1;

/**
 * The context memory of the Contextual Anomaly Detector (CAD OSE, M. Smirnov 2016, as NAB runs it):
 * contexts are pairs of fact sets, split into semi-contexts shared between contexts, each indexed
 * by the facts it holds. Semi-contexts are found by the hash of their fact tuple (as the original
 * keys its dictionaries), so two fact sets with the same hash share one.
 */
export class ContextMemory {
  private readonly factIndex: [Map<number, SemiContext[]>, Map<number, SemiContext[]>] = [new Map(), new Map()];
  private readonly semiIdByHash: [Map<bigint, number>, Map<bigint, number>] = [new Map(), new Map()];
  private readonly semiContexts: [SemiContext[], SemiContext[]] = [[], []];
  private crossedSemiContexts: [SemiContext[], SemiContext[]] = [[], []];
  private readonly contexts: Context[] = [];
  /**
   * The zero-level context created this step, skipped when looking for active ones. The original
   * resets it to False, which Python compares equal to 0: context 0 is skipped then.
   */
  private newContextId = 0;

  constructor(private readonly maxLeftSemiContextLength: number) {}

  get contextCount(): number {
    return this.contexts.length;
  }

  /** Stores the zero-level context; true when it is new. An existing one is marked zero-level. */
  addZeroLevel(pair: FactPair): boolean {
    const { id, created } = this.contextOf(pair, true);
    if (created) this.newContextId = id;
    else this.contexts[id]!.zeroLevel = true;
    return created;
  }

  /** Stores each pair as a context; returns how many were new. */
  addAll(pairs: readonly FactPair[]): number {
    let added = 0;
    for (const pair of pairs) if (this.contextOf(pair, false).created) added += 1;
    return added;
  }

  /**
   * Crosses the right semi-contexts with the input's facts, then looks at the contexts whose left
   * side the previous step's facts crossed: where that left side was fully crossed the context was
   * expected (selected), and it is active when the input fully matches its right side; from
   * zero-level contexts partly matched, new contexts are proposed (when a new zero-level context
   * was made this step).
   */
  matchInput(facts: readonly number[], newContextMade: boolean): { active: ActiveContext[]; selected: number; proposed: FactPair[] } {
    this.cross(RIGHT, facts);
    const active: ActiveContext[] = [];
    const proposed: FactPair[] = [];
    let selected = 0;
    for (const left of this.crossedSemiContexts[LEFT]) {
      for (const [rightId, contextId] of left.contextsByRight!.entries()) {
        if (contextId === this.newContextId) continue;
        const context = this.contexts[contextId]!;
        const right = this.semiContexts[RIGHT][rightId]!;
        const propose = () => {
          if (left.crossedCount <= this.maxLeftSemiContextLength) proposed.push([[...left.crossed], [...right.crossed]]);
        };
        if (left.size === left.crossedCount) {
          selected += 1;
          if (right.crossedCount === 0) continue;
          if (right.size === right.crossedCount) {
            context.activations += 1;
            active.push({ id: contextId, activations: context.activations, leftHash: context.leftHash, rightHash: context.rightHash });
          } else if (context.zeroLevel && newContextMade) {
            propose();
          }
        } else if (context.zeroLevel && newContextMade && right.crossedCount > 0) {
          propose();
        }
      }
    }
    this.newContextId = 0;
    return { active, selected, proposed };
  }

  /**
   * Stores the proposed contexts, then crosses the left semi-contexts with the facts the next input
   * will be judged against (this input and its active contexts); returns how many contexts were new.
   */
  rememberLeft(facts: readonly number[], proposed: readonly FactPair[]): number {
    const added = proposed.length > 0 ? this.addAll(proposed) : 0;
    this.cross(LEFT, facts);
    return added;
  }

  /**
   * Marks which of each semi-context's facts are among `facts`. Only the semi-contexts holding one
   * of them are visited (the original walks every semi-context, which made a noisy series' steps
   * grow with its whole memory); they are kept in creation order, the order the original finds them in.
   */
  private cross(side: number, facts: readonly number[]): void {
    for (const semi of this.crossedSemiContexts[side]!) {
      semi.crossed = [];
      semi.crossedCount = 0;
    }
    const crossed: SemiContext[] = [];
    for (const fact of facts) {
      for (const semi of this.factIndex[side]!.get(fact) ?? []) {
        if (semi.crossed.length === 0) crossed.push(semi);
        semi.crossed.push(fact);
      }
    }
    crossed.sort((a, b) => a.id - b.id);
    for (const semi of crossed) semi.crossedCount = semi.crossed.length;
    this.crossedSemiContexts[side] = crossed;
  }

  private contextOf([leftFacts, rightFacts]: FactPair, zeroLevel: boolean): { id: number; created: boolean } {
    const leftHash = python2TupleHash(leftFacts);
    const rightHash = python2TupleHash(rightFacts);
    const leftId = this.semiContextOf(LEFT, leftHash, leftFacts);
    const rightId = this.semiContextOf(RIGHT, rightHash, rightFacts);
    const nextId = this.contexts.length;
    const id = this.semiContexts[LEFT][leftId]!.contextsByRight!.setDefault(rightId, nextId);
    if (id !== nextId) return { id, created: false };
    this.contexts.push({ activations: 0, zeroLevel, leftHash, rightHash });
    return { id, created: true };
  }

  private semiContextOf(side: number, hash: bigint, facts: readonly number[]): number {
    const known = this.semiIdByHash[side]!.get(hash);
    if (known !== undefined) return known;
    const id = this.semiContexts[side]!.length;
    this.semiIdByHash[side]!.set(hash, id);
    const semi: SemiContext = { id, size: facts.length, crossed: [], crossedCount: 0, ...(side === LEFT ? { contextsByRight: new Python2IntDict() } : {}) };
    this.semiContexts[side]!.push(semi);
    for (const fact of facts) {
      let holders = this.factIndex[side]!.get(fact);
      if (!holders) this.factIndex[side]!.set(fact, (holders = []));
      holders.push(semi);
    }
    return id;
  }
}
