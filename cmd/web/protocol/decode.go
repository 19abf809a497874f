package protocol

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// Decode reads one client frame into a validated Request.
//
// On bad input it returns an *Error, and the Request holds what could be read
// before the problem (at least Type, Widget and ID when they were valid), so
// that the error answer can echo them. The Request is nil when the frame is
// not a JSON object.
//
// Fields a message type does not use are ignored, so that a newer client can
// talk to this server. Object keys match exactly (case-sensitive).
func Decode(data []byte) (*Request, *Error) {
	var f fields
	if err := json.Unmarshal(data, &f); err != nil || f == nil {
		return nil, Errorf(CodeBadJSON, "a message must be one JSON object")
	}
	req := &Request{}
	var e *Error
	if req.ID, e = f.requestID(); e != nil {
		return req, e
	}
	typ, ok, e := f.str("type", MaxStringBytes)
	if e != nil {
		return req, e
	}
	if !ok {
		return req, Errorf(CodeMissingField, `missing field "type"`)
	}
	if !isClientType(typ) {
		return req, Errorf(CodeUnknownType, "unknown message type %q", typ)
	}
	req.Type = typ
	w, ok, e := f.str("widget", MaxWidgetIDBytes)
	if e != nil {
		return req, e
	}
	if !ok {
		return req, Errorf(CodeMissingField, `missing field "widget"`)
	}
	if !validWidgetID(w) {
		return req, Errorf(CodeBadField, `widget id %q must be 1 to %d letters, digits, "-" or "_"`, w, MaxWidgetIDBytes)
	}
	req.Widget = w
	return req, decodeBody(f, req)
}

// decodeBody reads the fields of req.Type.
func decodeBody(f fields, req *Request) *Error {
	var e *Error
	switch req.Type {
	case TypeConfigure:
		if req.Kind, e = f.required("kind"); e != nil {
			return e
		}
		req.Options, e = f.options()
	case TypeStep:
		if req.Dir, e = f.required("dir"); e != nil {
			return e
		}
		if req.Dir != DirForward && req.Dir != DirBackward {
			return Errorf(CodeBadField, `dir %q must be "forward" or "backward"`, req.Dir)
		}
		req.Count, e = f.count()
	case TypeBack:
		req.Count, e = f.count()
	case TypeRun:
		var ok bool
		req.To, ok, e = f.str("to", MaxStringBytes)
		if e != nil {
			return e
		}
		if !ok {
			req.To = RunToEnd
		}
		if req.To != RunToEnd && req.To != RunToForward {
			return Errorf(CodeBadField, `to %q must be "end" or "forward"`, req.To)
		}
	case TypeSet:
		if req.Name, e = f.required("name"); e != nil {
			return e
		}
		req.Value, e = f.scalar("value")
	case TypeSelect:
		req.Node, e = f.required("node")
	case TypeTrain:
		if req.Action, e = f.required("action"); e != nil {
			return e
		}
		if req.Action != TrainStart && req.Action != TrainStop {
			return Errorf(CodeBadField, `action %q must be "start" or "stop"`, req.Action)
		}
		e = f.train(req)
	case TypeSeek:
		e = f.seek(req)
	case TypeExport:
		e = f.export(req)
	case TypeOptimize:
		e = f.optimize(req)
	case TypeCheck:
		e = f.check(req)
	case TypeMask:
		e = f.mask(req)
	}
	return e
}

// train reads the optional rate and steps of a train request.
func (f fields) train(req *Request) *Error {
	rate, _, e := f.integer("rate", 0, MaxTrainRate)
	if e != nil {
		return e
	}
	steps, _, e := f.integer("steps", 1, MaxRunSteps)
	req.Rate, req.Steps = int(rate), int(steps)
	return e
}

func isClientType(t string) bool {
	for _, c := range ClientTypes {
		if t == c {
			return true
		}
	}
	return false
}

// validWidgetID reports whether id is 1..MaxWidgetIDBytes of [A-Za-z0-9_-].
func validWidgetID(id string) bool {
	if id == "" || len(id) > MaxWidgetIDBytes {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}

// fields is a JSON object whose values are not decoded yet.
type fields map[string]json.RawMessage

// str returns the string field name, whether it was present, and an error if
// it is not a string or is longer than max bytes.
func (f fields) str(name string, max int) (string, bool, *Error) {
	raw, ok := f[name]
	if !ok {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil || isNull(raw) {
		return "", true, Errorf(CodeBadField, "field %q must be a string", name)
	}
	if len(s) > max {
		return "", true, Errorf(CodeOutOfRange, "field %q is %d bytes long, more than %d", name, len(s), max)
	}
	return s, true, nil
}

// required returns a string field that must be present and not empty.
func (f fields) required(name string) (string, *Error) {
	s, ok, e := f.str(name, MaxStringBytes)
	if e != nil {
		return "", e
	}
	if !ok || s == "" {
		return "", Errorf(CodeMissingField, "missing field %q", name)
	}
	return s, nil
}

// integer returns the integer field name, whether it was present, and an
// error unless it is an integer in [lo, hi]. 3.0 counts as an integer.
func (f fields) integer(name string, lo, hi int64) (int64, bool, *Error) {
	raw, ok := f[name]
	if !ok {
		return 0, false, nil
	}
	var x float64
	if err := json.Unmarshal(raw, &x); err != nil || isNull(raw) {
		if isNumber(raw) { // a number too large for a float64
			return 0, true, Errorf(CodeOutOfRange, "field %q must be an integer from %d to %d", name, lo, hi)
		}
		return 0, true, Errorf(CodeBadField, "field %q must be a number", name)
	}
	if x != math.Trunc(x) {
		return 0, true, Errorf(CodeBadField, "field %q must be an integer, got %v", name, x)
	}
	if x < float64(lo) || x > float64(hi) {
		return 0, true, Errorf(CodeOutOfRange, "field %q is %v, want %d to %d", name, x, lo, hi)
	}
	return int64(x), true, nil
}

// isNull reports whether raw is JSON null, which json.Unmarshal accepts
// into any Go value by leaving it alone: a field may not be null.
func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func isNumber(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9')
}

// requestID returns the optional "id" field, 0 when absent.
func (f fields) requestID() (int64, *Error) {
	id, _, e := f.integer("id", 0, MaxRequestID)
	return id, e
}

// count returns the optional "count" field of step and back, 1 when absent.
func (f fields) count() (int, *Error) {
	n, ok, e := f.integer("count", 1, MaxStepCount)
	if !ok || e != nil {
		return 1, e
	}
	return int(n), nil
}

// scalar returns a required field that is a string, a number or a boolean,
// as text: numbers keep the digits the client wrote.
func (f fields) scalar(name string) (string, *Error) {
	raw, ok := f[name]
	if !ok {
		return "", Errorf(CodeMissingField, "missing field %q", name)
	}
	s, e := scalarText(raw)
	if e != nil {
		return "", Errorf(CodeBadField, "field %q %s", name, e.Message)
	}
	if len(s) > MaxStringBytes {
		return "", Errorf(CodeOutOfRange, "field %q is %d bytes long, more than %d", name, len(s), MaxStringBytes)
	}
	return s, nil
}

// scalarText converts a JSON string, number or boolean to text.
func scalarText(raw json.RawMessage) (string, *Error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", Errorf(CodeBadField, "must be a string, a number or a boolean")
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case float64:
		return string(bytes.TrimSpace(raw)), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", Errorf(CodeBadField, "must be a string, a number or a boolean")
}

// options returns the optional "options" object of configure.
func (f fields) options() (map[string]string, *Error) {
	raw, ok := f["options"]
	if !ok {
		return map[string]string{}, nil
	}
	var obj fields
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil || isNull(raw) {
		return nil, Errorf(CodeBadField, `field "options" must be an object`)
	}
	if len(obj) > MaxOptions {
		return nil, Errorf(CodeOutOfRange, "%d options, more than %d", len(obj), MaxOptions)
	}
	opts := make(map[string]string, len(obj))
	for k, v := range obj {
		if k == "" || len(k) > MaxStringBytes {
			return nil, Errorf(CodeOutOfRange, "option name %q must be 1 to %d bytes", k, MaxStringBytes)
		}
		s, e := scalarText(v)
		if e != nil {
			return nil, Errorf(CodeBadField, "option %q %s", k, e.Message)
		}
		if len(s) > MaxStringBytes {
			return nil, Errorf(CodeOutOfRange, "option %q is %d bytes long, more than %d", k, len(s), MaxStringBytes)
		}
		opts[k] = s
	}
	return opts, nil
}
