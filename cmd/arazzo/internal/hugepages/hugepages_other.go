//go:build !linux

package hugepages

// Setup does nothing here: transparent huge pages are Linux's.
func Setup() Result { return Result{Skipped: "not Linux"} }
