package protocol

import (
	"reflect"
	"slices"
	"testing"
)

var allCodes = []Code{
	CodeBadJSON, CodeUnknownType, CodeMissingField, CodeBadField, CodeOutOfRange,
	CodeUnknownWidget, CodeUnknownKind, CodeTooManyWidgets, CodeUnknownParam,
	CodeUnknownNode, CodeBusy, CodeUnsupported, CodeTooManyRequests, CodeInternal,
	CodeCrossOrigin, CodeBadMediaType, CodeTooLarge, CodeBadFile, CodeUnknownSession, CodeBadWeights, CodeTooManyUploads,
	CodeServerFull, CodeTooManyConnections, CodeTooManyTrainers, CodeOverBudget,
	CodeUnknownExport, CodeTooManyDownloads,
	CodeNoGradient,
	CodeBlockedRow,
}

// FuzzDecode checks that Decode never panics, that what it accepts is
// within the documented limits and survives a round trip through Encode,
// and that what it refuses carries a known code and a reason. The seed
// corpus is in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := Decode(data)
		if err != nil {
			if !slices.Contains(allCodes, err.Code) {
				t.Fatalf("Decode(%q) code %q is not a documented code", data, err.Code)
			}
			if err.Message == "" {
				t.Fatalf("Decode(%q) error %s has no message", data, err.Code)
			}
			if req != nil && req.Type != "" && !slices.Contains(ClientTypes, req.Type) {
				t.Fatalf("Decode(%q) echoes type %q, not a client type", data, req.Type)
			}
			return
		}
		checkValid(t, data, req)
		b, e := Encode(req)
		if e != nil {
			t.Fatalf("Encode(%+v): %v", req, e)
		}
		again, err := Decode(b)
		if err != nil {
			t.Fatalf("Decode(Encode(Decode(%q))) error %v", data, err)
		}
		if !reflect.DeepEqual(again, req) {
			t.Fatalf("Decode(Encode(Decode(%q))) = %+v, want %+v", data, again, req)
		}
	})
}

// checkValid fails unless req respects every limit of the protocol.
func checkValid(t *testing.T, data []byte, req *Request) {
	t.Helper()
	if !slices.Contains(ClientTypes, req.Type) {
		t.Fatalf("Decode(%q).Type = %q, not a client type", data, req.Type)
	}
	if !validWidgetID(req.Widget) {
		t.Fatalf("Decode(%q).Widget = %q, not a valid id", data, req.Widget)
	}
	if req.ID < 0 || req.ID > MaxRequestID {
		t.Fatalf("Decode(%q).ID = %d, outside 0..%d", data, req.ID, int64(MaxRequestID))
	}
	switch req.Type {
	case TypeStep, TypeBack:
		if req.Count < 1 || req.Count > MaxStepCount {
			t.Fatalf("Decode(%q).Count = %d, outside 1..%d", data, req.Count, MaxStepCount)
		}
		if req.Type == TypeStep && req.Dir != DirForward && req.Dir != DirBackward {
			t.Fatalf("Decode(%q).Dir = %q", data, req.Dir)
		}
	case TypeConfigure:
		if req.Kind == "" || len(req.Options) > MaxOptions {
			t.Fatalf("Decode(%q) = kind %q with %d options", data, req.Kind, len(req.Options))
		}
		for k, v := range req.Options {
			if k == "" || len(k) > MaxStringBytes || len(v) > MaxStringBytes {
				t.Fatalf("Decode(%q) option %q=%q outside the limits", data, k, v)
			}
		}
	case TypeRun:
		if req.To != RunToEnd && req.To != RunToForward {
			t.Fatalf("Decode(%q).To = %q", data, req.To)
		}
	case TypeSet:
		if req.Name == "" || len(req.Value) > MaxStringBytes {
			t.Fatalf("Decode(%q) = set %q=%q", data, req.Name, req.Value)
		}
	case TypeSelect:
		if req.Node == "" {
			t.Fatalf("Decode(%q) selects no node", data)
		}
	case TypeTrain:
		if req.Action != TrainStart && req.Action != TrainStop {
			t.Fatalf("Decode(%q).Action = %q", data, req.Action)
		}
	case TypeOptimize:
		if len(req.Node) > MaxStringBytes {
			t.Fatalf("Decode(%q) optimizes node %q, longer than %d bytes", data, req.Node, MaxStringBytes)
		}
	case TypeSeek:
		if req.Index < 0 || req.Index > MaxSeekIndex {
			t.Fatalf("Decode(%q).Index = %d, outside 0..%d", data, req.Index, MaxSeekIndex)
		}
	case TypeMask:
		checkMask(t, data, req.Mask)
	case TypeExport:
		if !slices.Contains(Exports, req.What) {
			t.Fatalf("Decode(%q).What = %q", data, req.What)
		}
		if req.What == ExportHeatmap && (req.Node == "" || req.Tensor != TensorValue && req.Tensor != TensorGrad) {
			t.Fatalf("Decode(%q) = heatmap of node %q tensor %q", data, req.Node, req.Tensor)
		}
	case TypeCheck:
		if req.All == (req.Node != "") {
			t.Fatalf("Decode(%q) = check of node %q, all %v: want one of them", data, req.Node, req.All)
		}
	}
}
