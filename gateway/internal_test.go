package gateway

import (
	"flag"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/api/httpbody"

	"github.com/tdkt-vn/tdkt/platform/config"
)

func TestHTTPBodyResponsesAreRaw(t *testing.T) {
	mux := newServeMux()
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
		max     int64
		wantErr bool
	}{
		{name: "defaults", addr: "127.0.0.1:9101", max: 1 << 20},
		{name: "env", env: map[string]string{"TDKT_BLOCS_ADDR": "blocs:9101", "TDKT_HTTP_MAX_BODY": "2048"}, addr: "blocs:9101", max: 2048},
		{name: "flags win", env: map[string]string{"TDKT_HTTP_MAX_BODY": "2048"}, args: []string{"-gw.http-max-body", "4096", "-gw.blocs-addr", "x:1"}, addr: "x:1", max: 4096},
		{name: "invalid env", env: map[string]string{"TDKT_HTTP_MAX_BODY": "lots"}, wantErr: true},
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
			c.RegisterFlags(fs, "gw.")
			err := config.Parse(fs, tt.args)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.addr, c.BlocsAddr)
			require.Equal(t, tt.max, c.MaxBodyBytes)
		})
	}
}
