// Package planner makes the decisions, as pure functions over plain structs
// with no I/O: memory fit, recommendations, the routing split between local and
// cloud, and break-even.
package planner
