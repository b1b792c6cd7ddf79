package arazzo

import "strings"

// suggest returns the candidate closest to s by edit distance, when it is
// close enough to be a plausible typo (at most a third of the length, and at
// least one edit allowed; a case-only difference always qualifies); "" otherwise.
func suggest(s string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		if c == s {
			continue
		}
		d := levenshtein(strings.ToLower(s), strings.ToLower(c))
		if d == 0 {
			return c
		}
		limit := max(1, min(len(s), len(c))/3)
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}

// didYouMean formats a suggestion as a hint, or "" when there is none.
func didYouMean(s string, candidates []string) string {
	if c := suggest(s, candidates); c != "" {
		return "did you mean \"" + c + "\"?"
	}
	return ""
}

// levenshtein is the edit distance between a and b, in bytes, counting a
// transposition of two adjacent bytes as one edit (optimal string
// alignment): "adpot" is one edit from "adopt". Inputs longer than 256 bytes
// are not compared (the distance is reported as their length), which keeps
// hostile inputs cheap.
func levenshtein(a, b string) int {
	if len(a) > 256 || len(b) > 256 {
		return max(len(a), len(b))
	}
	pprev := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], pprev[j-2]+1)
			}
		}
		pprev, prev, cur = prev, cur, pprev
	}
	return prev[len(b)]
}
