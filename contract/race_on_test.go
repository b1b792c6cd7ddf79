//go:build race

package contract

// raceEnabled: the race detector is on (CI runs this package with it).
// The long single-goroutine proofs (every schema of Auth0...) then run on
// a sample: they run in full in the plain `go test`.
const raceEnabled = true
