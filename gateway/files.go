package gateway

import (
	"context"
	"mime"
	"net/http"
	"strings"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/protobuf/proto"
)

// File responses are google.api.HttpBody messages (RenderDecision,
// RenderCertificate, ExportHonours). The HttpBody marshaler of the mux sends
// their data as they are with their content type; setFileHeaders adds the
// rest of what makes them files.

// pathKey is the context key of the request path, kept for the file name
// of a file response.
type pathKey struct{}

// withPath records the request path in r's context when it names a custom
// method (":render", ":certificate", ":export"), the only routes that
// answer with files; other requests are left as they are.
func withPath(r *http.Request) *http.Request {
	if !strings.Contains(r.URL.Path, ":") {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), pathKey{}, r.URL.Path))
}

// setFileHeaders completes the headers of a file response: a content type
// (application/octet-stream when the backend named none), nosniff, and a
// Content-Disposition. The backend names the file through the
// "content-disposition" response header metadata, which outgoingHeader
// passes on; without it the file is an attachment named after the request
// path ("/v1/decisions/946-qd-ubnd:render" → "decisions-946-qd-ubnd-render.pdf").
func setFileHeaders(ctx context.Context, w http.ResponseWriter, m proto.Message) error {
	body, ok := m.(*httpbody.HttpBody)
	if !ok {
		return nil
	}
	h := w.Header()
	if body.GetContentType() == "" {
		h.Set("Content-Type", "application/octet-stream")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	switch cd := h.Values("Content-Disposition"); {
	case len(cd) > 1: // one is allowed (RFC 6266); keep the first
		h.Set("Content-Disposition", cd[0])
	case len(cd) == 0 || strings.TrimSpace(cd[0]) == "":
		path, _ := ctx.Value(pathKey{}).(string)
		h.Set("Content-Disposition", `attachment; filename="`+fileName(path, h.Get("Content-Type"))+`"`)
	}
	return nil
}

// fileName makes an ASCII file name from a request path and a content
// type: the path after /v1/ with every run of characters other than
// letters, digits, '.', '_' and '-' turned into one '-', and the extension
// of the content type.
func fileName(path, contentType string) string {
	path = strings.TrimPrefix(path, "/v1/")
	var b strings.Builder
	dash := false
	for _, r := range path {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0: // '-' or a run of others
			b.WriteByte('-')
			dash = true
		}
	}
	stem := strings.Trim(b.String(), "-.")
	if len(stem) > 100 {
		stem = strings.Trim(stem[:100], "-.")
	}
	if stem == "" {
		stem = "download"
	}
	return stem + extension(contentType)
}

// extension is the file extension of a media type, ".bin" when unknown.
func extension(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ".bin"
	}
	switch mt {
	case "application/pdf":
		return ".pdf"
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		return ".xlsx"
	case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		return ".docx"
	case "text/csv":
		return ".csv"
	case "application/zip":
		return ".zip"
	}
	if exts, err := mime.ExtensionsByType(mt); err == nil && len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}
