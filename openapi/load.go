package openapi

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// LoadOptions control how documents are fetched.
type LoadOptions struct {
	// HTTPClient fetches http(s) locations; nil means a client with Timeout.
	HTTPClient *http.Client
	// Timeout bounds each fetch; default 30s.
	Timeout time.Duration
	// MaxBytes caps each document; default 64 MiB.
	MaxBytes int64
	// Base resolves a relative location (a file path or URL).
	Base string
}

// LoadError is returned when a document cannot be read or parsed.
type LoadError struct {
	Location   string // file path or URL
	Line       int    // 1-based, 0 when unknown
	StatusCode int    // HTTP status for http(s) locations, 0 otherwise
	Err        error
}

func (e *LoadError) Error() string {
	return e.Location + ": " + e.Err.Error()
}

func (e *LoadError) Unwrap() error { return e.Err }

// Load reads the document at location (a file path, file: URL or http(s)
// URL) and resolves its $refs, including relative refs to other files.
func Load(ctx context.Context, location string, opts LoadOptions) (*Document, error) {
	return nil, errors.New("openapi.Load: not implemented yet")
}

// LoadData parses data as the document found at location; location is used
// to resolve relative $refs and in messages.
func LoadData(ctx context.Context, data []byte, location string, opts LoadOptions) (*Document, error) {
	return nil, errors.New("openapi.LoadData: not implemented yet")
}
