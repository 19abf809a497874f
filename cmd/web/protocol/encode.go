package protocol

import "encoding/json"

// wireRequest is the JSON form of a Request, as a client sends it.
type wireRequest struct {
	Type    string            `json:"type"`
	Widget  string            `json:"widget"`
	ID      int64             `json:"id,omitempty"`
	Kind    string            `json:"kind,omitempty"`
	Options map[string]string `json:"options,omitempty"`
	Dir     string            `json:"dir,omitempty"`
	Count   int               `json:"count,omitempty"`
	To      string            `json:"to,omitempty"`
	Name    string            `json:"name,omitempty"`
	Value   *string           `json:"value,omitempty"`
	Node    string            `json:"node,omitempty"`
	Action  string            `json:"action,omitempty"`
	Rate    int               `json:"rate,omitempty"`
	Steps   int               `json:"steps,omitempty"`
	Index   *int              `json:"index,omitempty"`
	What    string            `json:"what,omitempty"`
	Tensor  string            `json:"tensor,omitempty"`
	All     bool              `json:"all,omitempty"`
	*wireMask
}

// Encode returns the JSON frame a client sends for r: the inverse of Decode
// for a valid request. Go clients (the tests) use it.
func Encode(r *Request) ([]byte, error) {
	w := wireRequest{
		Type: r.Type, Widget: r.Widget, ID: r.ID, Kind: r.Kind, Options: r.Options,
		Dir: r.Dir, Count: r.Count, To: r.To, Name: r.Name, Node: r.Node, Action: r.Action, Rate: r.Rate, Steps: r.Steps,
		What: r.What, Tensor: r.Tensor, All: r.All,
	}
	if r.Type == TypeSet {
		w.Value = &r.Value
	}
	if r.Type == TypeSeek {
		w.Index = &r.Index
	}
	if r.Type == TypeMask && r.Mask != nil {
		w.wireMask = encodeMask(r.Mask)
	}
	return json.Marshal(w)
}
