package exhibit

import "fmt"

// Code names what was wrong with a request to an exhibit. The widget
// adapter maps each to the protocol's error code.
type Code int

const (
	BadValue      Code = iota // a word not in the list, text that is not a number
	OutOfRange                // a number or a length outside its bounds, a combination that cannot be built
	UnknownOption             // a name the exhibit's option table does not have
	UnknownNode               // a node name the graph does not have
	BadWeights                // tensors whose names or shapes do not fit the model
	Busy                      // the exhibit is training and cannot do this meanwhile
	Unsupported               // the kind does not do this
	Internal                  // a bug, or a bound of the engine the table failed to keep
	NoGradient                // a gradient check of a node that takes no gradient, or whose gradient is not complete yet
	BlockedRow                // a mask edit that would block every key of a query
)

// Error is a request an exhibit refuses: a code, a reason for people, and
// the option at fault, if any.
type Error struct {
	Code    Code
	Message string
	Field   string // the option at fault ("heads"), or ""
	// More are the other faults found with this one: the other bad
	// options of a configure.
	More []*Error
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// at marks e as the fault of option name, and returns it.
func at(e *Error, name string) *Error {
	if e != nil {
		e.Field = name
	}
	return e
}

// internal wraps an error of the engine that the option table should have
// prevented.
func internal(err error) *Error {
	return Errorf(Internal, "%v", err)
}

// outOfRange wraps an error of the engine about sizes that do not fit
// together (a kernel larger than its input), which the table cannot see.
func outOfRange(err error) *Error {
	return Errorf(OutOfRange, "%v", err)
}
