package protocol

// A weights upload loads a .safetensors file into a lab. It goes over HTTP,
// not the socket: the file may be megabytes, far above MaxMessageBytes.
// The page posts the file's bytes to
//
//	POST UploadPath?session=<hello's session>&widget=<widget id>
//	Content-Type: application/octet-stream
//
// and the server answers with an UploadAnswer as JSON. On success the
// widget also sends its new views over the socket, as unsolicited
// messages. docs/protocol.md, section "Weights upload", lists the answers.
const (
	// UploadPath is the address of a weights upload.
	UploadPath = "/lab/weights"
	// UploadMediaType is the only Content-Type an upload may have. A form
	// of another site cannot send it without asking first (a CORS
	// preflight, which the server does not answer), so it is part of the
	// guard against cross-site requests.
	UploadMediaType = "application/octet-stream"
)

// UploadAnswer is the JSON body of the answer to an upload. OK is true on
// success, with the number of tensors and of scalar parameters loaded;
// otherwise Code and Error say what was wrong, as an error message would.
type UploadAnswer struct {
	OK      bool   `json:"ok"`
	Tensors int    `json:"tensors,omitempty"`
	Params  int    `json:"params,omitempty"`
	Code    Code   `json:"code,omitempty"`
	Error   string `json:"error,omitempty"`
}
