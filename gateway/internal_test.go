package gateway

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/api/httpbody"

	"github.com/tdkt-vn/tdkt/platform/config"
)

func TestHTTPBodyResponsesAreRaw(t *testing.T) {
	mux := newServeMux(&allowed{probe: runtime.NewServeMux()})
	r := httptest.NewRequest(http.MethodGet, "/v1/decisions/x:render", nil)
	_, out := runtime.MarshalerForRequest(mux, r)
	pdf := &httpbody.HttpBody{ContentType: "application/pdf", Data: []byte("%PDF-1.7")}
	require.Equal(t, "application/pdf", out.ContentType(pdf))
	b, err := out.Marshal(pdf)
	require.NoError(t, err)
	require.Equal(t, "%PDF-1.7", string(b))
}

func TestConfigFlags(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		addr    string
		honours string
		max     int64
		wantErr bool
	}{
		{name: "defaults", addr: "127.0.0.1:9101", honours: "127.0.0.1:9104", max: 1 << 20},
		{name: "env", env: map[string]string{"TDKT_GW_BLOCS_ADDR": "blocs:9101", "TDKT_GW_HONOURS_ADDR": "honours:9104", "TDKT_GW_HTTP_MAX_BODY": "2048"},
			addr: "blocs:9101", honours: "honours:9104", max: 2048},
		{name: "flags win", env: map[string]string{"TDKT_GW_HTTP_MAX_BODY": "2048", "TDKT_GW_HONOURS_ADDR": "honours:9104"},
			args: []string{"-gw.http-max-body", "4096", "-gw.blocs-addr", "x:1", "-gw.honours-addr", "y:2"}, addr: "x:1", honours: "y:2", max: 4096},
		{name: "invalid env", env: map[string]string{"TDKT_GW_HTTP_MAX_BODY": "lots"}, wantErr: true},
		{name: "invalid flag", args: []string{"-gw.http-max-body", "lots"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var c Config
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(t.Output())
			c.RegisterFlags(config.NewFlags(fs).Sub("gw"))
			err := config.Parse(fs, tt.args)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.addr, c.BlocsAddr)
			require.Equal(t, tt.honours, c.HonoursAddr)
			require.Equal(t, tt.max, c.MaxBodyBytes)
		})
	}
}

func TestFileName(t *testing.T) {
	tests := []struct {
		path, contentType, want string
	}{
		{"/v1/decisions/946-qd-ubnd:render", "application/pdf", "decisions-946-qd-ubnd-render.pdf"},
		{"/v1/honours/h1:certificate", "application/pdf", "honours-h1-certificate.pdf"},
		{"/v1/honours:export", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "honours-export.xlsx"},
		{"/v1/honours:export", "text/csv; charset=utf-8", "honours-export.csv"},
		{"/v1/quyết-định/x\"; evil=1:render", "application/pdf", "quy-t-nh-x-evil-1-render.pdf"},
		{"", "application/x-unknown-thing", "download.bin"},
		{"/v1/a:b", "not a media type;;", "a-b.bin"},
		{"/v1/" + strings.Repeat("a", 300), "application/pdf", strings.Repeat("a", 100) + ".pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got := fileName(tt.path, tt.contentType)
			require.Equal(t, tt.want, got)
			require.Regexp(t, `^[A-Za-z0-9._-]+$`, got, "safe inside a quoted filename")
		})
	}
}

func TestHeaderMatchers(t *testing.T) {
	for key, want := range map[string]string{
		"X-Request-Id": "x-request-id", "x-request-id": "x-request-id", "If-Match": "if-match",
		"Authorization": "", "X-Request-Ids": "", "Grpc-Metadata-If-Match": "",
	} {
		got, ok := incomingHeader(key)
		require.Equal(t, want != "", ok, key)
		require.Equal(t, want, got, key)
	}
	for key, want := range map[string]string{
		"etag": "ETag", "ETag": "ETag", "content-disposition": "Content-Disposition",
		"content-type": "", "x-tdkt-caller": "",
	} {
		got, ok := outgoingHeader(key)
		require.Equal(t, want != "", ok, key)
		require.Equal(t, want, got, key)
	}
}
