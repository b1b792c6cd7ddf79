package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// signalContext is cancelled on SIGINT or SIGTERM, so a run stops after
// cancelling the request in flight and still prints what it knows.
func signalContext(parent context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}
