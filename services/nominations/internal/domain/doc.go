// Package domain holds the nominations service's rules in pure Go: the
// workflow of a nomination, working-day deadlines and eligibility.
package domain
