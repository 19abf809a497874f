package protocol

import "fmt"

// Code names what was wrong with a request. The client may branch on it; the
// message that goes with it is for people.
type Code string

// The error codes of version 1.
const (
	CodeBadJSON         Code = "bad_json"          // the frame is not one JSON object (or is binary)
	CodeUnknownType     Code = "unknown_type"      // "type" is missing or not a client message type
	CodeMissingField    Code = "missing_field"     // a required field is absent
	CodeBadField        Code = "bad_field"         // a field has the wrong JSON type or a value outside its set
	CodeOutOfRange      Code = "out_of_range"      // a number or a length outside its documented bounds
	CodeUnknownWidget   Code = "unknown_widget"    // no widget with this id was configured on the connection
	CodeUnknownKind     Code = "unknown_kind"      // configure names a widget kind the server does not have
	CodeTooManyWidgets  Code = "too_many_widgets"  // configure would exceed MaxWidgets
	CodeUnknownParam    Code = "unknown_param"     // set names a hyperparameter the widget does not have
	CodeUnknownNode     Code = "unknown_node"      // select names a node the widget's graph does not have
	CodeBusy            Code = "busy"              // the widget is training; stop it first
	CodeUnsupported     Code = "unsupported"       // the widget kind does not answer this request type
	CodeTooManyRequests Code = "too_many_requests" // MaxPendingRequests requests wait for an answer already
	CodeInternal        Code = "internal"          // a bug on the server; the widget was dropped
	CodeBlockedRow      Code = "blocked_row"       // a mask edit would block every key of a query (mask.go)
)

// The error codes of admission (limits.go's Admission): the refusal names
// the limit it met in the error's limit field.
const (
	CodeServerFull         Code = "server_full"          // the server holds maxConns connections, maxServerWidgets widgets or maxServerBytes of models
	CodeTooManyConnections Code = "too_many_connections" // the client's address holds maxConnsPerIp connections
	CodeTooManyTrainers    Code = "too_many_trainers"    // maxTrainersPerConn widgets of the connection, or maxTrainersPerIp of its address, train already
	CodeOverBudget         Code = "over_budget"          // the model would take the connection past maxSessionBytes
)

// The error codes of a weights upload (upload.go), which answers over HTTP
// rather than the socket. It also uses unknown_widget, missing_field, busy,
// unsupported and internal.
const (
	CodeCrossOrigin    Code = "cross_origin"     // the Origin header names another host
	CodeBadMediaType   Code = "bad_media_type"   // the body is not application/octet-stream
	CodeTooLarge       Code = "too_large"        // the body is longer than MaxUploadBytes
	CodeBadFile        Code = "bad_file"         // the body is not a readable .safetensors file
	CodeUnknownSession Code = "unknown_session"  // no open connection has this session token
	CodeBadWeights     Code = "bad_weights"      // the tensors' names or shapes do not fit the model, or a value is not finite
	CodeTooManyUploads Code = "too_many_uploads" // MaxUploadsPerIP uploads of the client's address are being read
)

// The error codes of an export link (ExportPath), which answers over HTTP
// too. It also uses unknown_widget and internal.
const (
	CodeUnknownExport    Code = "unknown_export"     // no link has this token: never made, fetched already, expired, or its connection closed
	CodeTooManyDownloads Code = "too_many_downloads" // MaxDownloadsPerIP files of the client's address are being sent
)

// Error is a request the server refuses, with the code and a reason.
type Error struct {
	Code    Code
	Message string
	Field   string   // the option or hyperparameter at fault ("heads"), or ""
	More    []*Error // the other faults found with this one (a configure's other bad options)
	Limit   int64    // the admission limit that refused the request, or 0
}

// Error returns "code: message".
func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Limited returns an *Error of an admission limit: its message, and the
// limit's value.
func Limited(code Code, limit int64, format string, args ...any) *Error {
	e := Errorf(code, format, args...)
	e.Limit = limit
	return e
}

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}
