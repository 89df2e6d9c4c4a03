package match

// DefaultThreshold is the score at or above which a name counts as a match.
const DefaultThreshold = 0.78
