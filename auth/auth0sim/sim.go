// Package auth0sim is a small stateful Auth0 Management API simulator for tests.
package auth0sim
