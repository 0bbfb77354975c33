package gateway

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// allowed answers which HTTP methods a path takes, from the google.api.http
// rules of the services the gateway fronts: a mux of its own routes each
// rule to a handler that only says it matched.
type allowed struct {
	probe   *runtime.ServeMux
	methods []string // every method some rule uses, sorted
}

// route is one google.api.http rule (or additional binding) of a service.
type route struct {
	service, method, path string
}

// httpRoutes reads the http rules of the named gRPC services.
func httpRoutes(services []string) ([]route, error) {
	var out []route
	for _, name := range services {
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(name))
		if err != nil {
			return nil, fmt.Errorf("gateway: service %s: %w", name, err)
		}
		sd, ok := d.(protoreflect.ServiceDescriptor)
		if !ok {
			return nil, fmt.Errorf("gateway: %s is not a service", name)
		}
		for i := range sd.Methods().Len() {
			rule, _ := proto.GetExtension(sd.Methods().Get(i).Options(), annotations.E_Http).(*annotations.HttpRule)
			for _, r := range append([]*annotations.HttpRule{rule}, rule.GetAdditionalBindings()...) {
				if method, path := ruleRoute(r); method != "" {
					out = append(out, route{name, method, path})
				}
			}
		}
	}
	return out, nil
}

// newAllowed routes the http rules of routes.
func newAllowed(routes []route) (*allowed, error) {
	a := &allowed{probe: runtime.NewServeMux(runtime.WithDisableHTTPMethodOverride())}
	seen := make(map[string]bool)
	for _, rt := range routes {
		if err := a.probe.HandlePath(rt.method, rt.path, func(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
			w.WriteHeader(http.StatusNoContent)
		}); err != nil {
			return nil, fmt.Errorf("gateway: route %s %s: %w", rt.method, rt.path, err)
		}
		if !seen[rt.method] {
			seen[rt.method] = true
			a.methods = append(a.methods, rt.method)
		}
	}
	slices.Sort(a.methods)
	return a, nil
}

// ruleRoute is the method and path template of an http rule.
func ruleRoute(r *annotations.HttpRule) (method, path string) {
	switch p := r.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		return http.MethodGet, p.Get
	case *annotations.HttpRule_Post:
		return http.MethodPost, p.Post
	case *annotations.HttpRule_Put:
		return http.MethodPut, p.Put
	case *annotations.HttpRule_Patch:
		return http.MethodPatch, p.Patch
	case *annotations.HttpRule_Delete:
		return http.MethodDelete, p.Delete
	case *annotations.HttpRule_Custom:
		return p.Custom.GetKind(), p.Custom.GetPath()
	}
	return "", ""
}

// methodsFor returns the methods a path takes; none for a path no rule
// matches.
func (a *allowed) methodsFor(path string) []string {
	var out []string
	for _, m := range a.methods {
		w := httptest.NewRecorder()
		a.probe.ServeHTTP(w, httptest.NewRequest(m, path, nil))
		if w.Code == http.StatusNoContent {
			out = append(out, m)
		}
	}
	return out
}

// routingError answers a request no route takes: 405 Method Not Allowed
// with Allow when its path takes other methods, else grpc-gateway's answer
// (404). The body is the google.rpc.Status JSON like every other error.
func (a *allowed) routingError(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	if httpStatus == http.StatusMethodNotAllowed {
		if methods := a.methodsFor(r.URL.Path); len(methods) > 0 {
			w.Header().Set("Allow", strings.Join(methods, ", "))
			errorHandler(ctx, mux, m, w, r, &runtime.HTTPStatusError{
				HTTPStatus: http.StatusMethodNotAllowed,
				Err: status.Errorf(codes.Unimplemented, "method %s is not allowed on %s; it takes %s",
					r.Method, r.URL.Path, strings.Join(methods, ", ")),
			})
			return
		}
	}
	runtime.DefaultRoutingErrorHandler(ctx, mux, m, w, r, httpStatus)
}
