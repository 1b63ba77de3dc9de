// The sketch mapping the server SDK folds with must be the aggregator's, or merged sketches drift.
export * from './aggregation/sketch.ts';
