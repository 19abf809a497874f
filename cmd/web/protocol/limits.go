package protocol

import "stepgraph/exhibit"

// Version is the protocol version announced in every hello message.
const Version = 1

// Limits of version 1. They are sent to the client in the hello message.
const (
	// MaxMessageBytes is the largest client frame the server reads. A larger
	// frame closes the connection with status 1009 (message too big).
	MaxMessageBytes = 64 << 10
	// MaxWidgets is how many widgets one connection may configure.
	MaxWidgets = 8
	// MaxStepCount is the largest count of a step or back request.
	MaxStepCount = 1000
	// MaxOptions is the largest number of options in a configure request.
	MaxOptions = 32
	// MaxStringBytes bounds every string field: names, option keys and values.
	MaxStringBytes = 256
	// MaxWidgetIDBytes bounds a widget id, which uses [A-Za-z0-9_-] only.
	MaxWidgetIDBytes = 32
	// MaxRequestID is the largest request id: 2^53, the largest integer a
	// JavaScript number holds exactly.
	MaxRequestID = 1 << 53
	// MaxPendingRequests is how many requests of one connection may wait
	// for an answer. One more is refused at once with too_many_requests,
	// so that the connection's reader never waits for work.
	MaxPendingRequests = 32
	// MaxQueuedMessages is how many server messages may wait for a slow
	// client after coalescing. A client that falls further behind is
	// disconnected (1008).
	MaxQueuedMessages = 256
	// MaxQueuedBytes bounds the bytes of the messages that wait for a
	// client, and of the one being written: 8 MiB, room for the largest
	// lab's graph message several times over. A client that falls further
	// behind is disconnected (1008), so clients that do not read cannot
	// grow the server's memory past this each.
	MaxQueuedBytes = 8 << 20
	// MaxUploadsPerIP is how many weights uploads of one client address
	// are read at once; one more is refused with 429.
	MaxUploadsPerIP = 1
	// MaxTrainRate is the largest rate of a train request, in training
	// steps a second; 0 is full speed.
	MaxTrainRate = 1000
	// MaxRunSteps is the longest run of training a train request may ask
	// for (its steps).
	MaxRunSteps = exhibit.MaxRunSteps
	// MaxUploadBytes is the largest weights file an upload may send: 16
	// MiB. The largest lab model has about 0.47 million parameters, under
	// 2 MiB as float32 and under 4 MiB as float64. A longer body is
	// refused with 413.
	MaxUploadBytes = 16 << 20
)

// Admission holds the limits a server shares between its connections. The
// defaults suit one machine serving a school; a server's flags change them
// (cmd/web), and its hello sends its own. Zero turns a limit off.
type Admission struct {
	// MaxConns is how many connections the server holds; one more is
	// refused with server_full and closed with 1013 (try again later).
	MaxConns int
	// MaxConnsPerIP is how many connections one client address holds; one
	// more is refused with too_many_connections and closed with 1008. A
	// school behind one NAT address needs it raised.
	MaxConnsPerIP int
	// MaxServerWidgets is how many widgets all connections hold together;
	// a configure over it is refused with server_full.
	MaxServerWidgets int
	// MaxTrainersPerConn and MaxTrainersPerIP bound the widgets that train
	// at once on one connection and from one address; a train start over
	// either is refused with too_many_trainers.
	MaxTrainersPerConn int
	MaxTrainersPerIP   int
	// MaxSessionBytes is the memory one connection's models may take, as
	// estimated from their options before they are built (exhibit's
	// Kind.Cost); a configure or set over it is refused with over_budget.
	MaxSessionBytes int64
	// MaxServerBytes bounds the same estimate over all connections; over
	// it, server_full.
	MaxServerBytes int64
}

// DefaultAdmission returns the default admission limits: 4096
// connections, 256 from one address, 16384 widgets, 3 trainers a
// connection and 64 an address, 160 MiB of models a connection (the
// largest lab is estimated at 105 MiB) and 4 GiB on the server.
func DefaultAdmission() Admission {
	return Admission{
		MaxConns: 4096, MaxConnsPerIP: 256, MaxServerWidgets: 16384,
		MaxTrainersPerConn: 3, MaxTrainersPerIP: 64,
		MaxSessionBytes: 160 << 20, MaxServerBytes: 4 << 30,
	}
}

// Limits is the limits object of the hello message.
type Limits struct {
	MaxMessageBytes    int   `json:"maxMessageBytes"`
	MaxWidgets         int   `json:"maxWidgets"`
	MaxStepCount       int   `json:"maxStepCount"`
	MaxOptions         int   `json:"maxOptions"`
	MaxStringBytes     int   `json:"maxStringBytes"`
	MaxWidgetIDBytes   int   `json:"maxWidgetIdBytes"`
	MaxRequestID       int64 `json:"maxRequestId"`
	MaxPendingRequests int   `json:"maxPendingRequests"`
	MaxQueuedMessages  int   `json:"maxQueuedMessages"`
	MaxQueuedBytes     int   `json:"maxQueuedBytes"`
	MaxUploadBytes     int   `json:"maxUploadBytes"`
	MaxUploadsPerIP    int   `json:"maxUploadsPerIp"`
	MaxTrainRate       int   `json:"maxTrainRate"`
	MaxRunSteps        int   `json:"maxRunSteps"`
	MaxPendingExports  int   `json:"maxPendingExports"`
	ExportLinkSeconds  int   `json:"exportLinkSeconds"`
	MaxDownloadsPerIP  int   `json:"maxDownloadsPerIp"`
	MaxConns           int   `json:"maxConns"`
	MaxConnsPerIP      int   `json:"maxConnsPerIp"`
	MaxServerWidgets   int   `json:"maxServerWidgets"`
	MaxTrainersPerConn int   `json:"maxTrainersPerConn"`
	MaxTrainersPerIP   int   `json:"maxTrainersPerIp"`
	MaxSessionBytes    int64 `json:"maxSessionBytes"`
	MaxServerBytes     int64 `json:"maxServerBytes"`
	MaxCheckEntries    int   `json:"maxCheckEntries"`
	MaxCheckPasses     int   `json:"maxCheckPasses"`
}

// CurrentLimits returns the limits of this version, with the default
// admission limits.
func CurrentLimits() Limits { return LimitsOf(DefaultAdmission()) }

// LimitsOf returns the limits of this version with the admission limits a.
func LimitsOf(a Admission) Limits {
	return Limits{
		MaxMessageBytes:    MaxMessageBytes,
		MaxWidgets:         MaxWidgets,
		MaxStepCount:       MaxStepCount,
		MaxOptions:         MaxOptions,
		MaxStringBytes:     MaxStringBytes,
		MaxWidgetIDBytes:   MaxWidgetIDBytes,
		MaxRequestID:       MaxRequestID,
		MaxPendingRequests: MaxPendingRequests,
		MaxQueuedMessages:  MaxQueuedMessages,
		MaxQueuedBytes:     MaxQueuedBytes,
		MaxUploadBytes:     MaxUploadBytes,
		MaxUploadsPerIP:    MaxUploadsPerIP,
		MaxTrainRate:       MaxTrainRate,
		MaxRunSteps:        MaxRunSteps,
		MaxPendingExports:  MaxPendingExports,
		ExportLinkSeconds:  ExportLinkSeconds,
		MaxDownloadsPerIP:  MaxDownloadsPerIP,
		MaxConns:           a.MaxConns,
		MaxConnsPerIP:      a.MaxConnsPerIP,
		MaxServerWidgets:   a.MaxServerWidgets,
		MaxTrainersPerConn: a.MaxTrainersPerConn,
		MaxTrainersPerIP:   a.MaxTrainersPerIP,
		MaxSessionBytes:    a.MaxSessionBytes,
		MaxServerBytes:     a.MaxServerBytes,
		MaxCheckEntries:    MaxCheckEntries,
		MaxCheckPasses:     MaxCheckPasses,
	}
}
