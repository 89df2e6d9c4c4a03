package match

// DefaultThreshold is the score at or above which a name counts as a match.
//
// Chosen on the labelled data (go test ./eval -v):
//   - name bench (826 pairs, nomenklatura): at 0.78 precision 0.881, recall
//     0.833, F1 0.856 — the best F1 of the sweep (0.76: 0.855, 0.80: 0.848);
//   - UN positives with typos and reshuffles against the UN list: recall@1
//     0.993;
//   - 50,000 people on no list against CSL 2022 + OFAC SDN 2021 + UN:
//     false-positive rate 0.39% (0.76 would give about 0.5%).
const DefaultThreshold = 0.78
