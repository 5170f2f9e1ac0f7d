// Package actions holds the typed actions Macroa may propose to carry out
// on a host: what kind of action it is, its validated parameters, the
// target it touches, and the argument lists that run it, check that it
// worked and, where one exists, undo it.
//
// Every proposer (the agent, the classifier path, later the autonomy loop,
// the scheduler and MCP tools) proposes an Action, never shell text for an
// executor to trust. The policy gate (core/policy) derives an action's
// risk from its kind, parameters and target; nothing here takes a model's
// word for anything. Argument lists are never shell strings: the one
// exception is command.run, whose free text is handed to bash as a single
// argument and which the gate parses before anything else.
//
// This package is pure: it reads no files and runs nothing.
package actions
