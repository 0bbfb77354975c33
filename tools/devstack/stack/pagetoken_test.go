package stack_test

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	blocsv1 "github.com/tdkt-vn/tdkt/proto/tdkt/blocs/v1"
	"github.com/tdkt-vn/tdkt/tools/devstack/demo"
	"github.com/tdkt-vn/tdkt/tools/devstack/stack/stacktest"
)

// Field names of AIP-158 pagination.
const (
	pageTokenField     protoreflect.Name = "page_token"
	pageSizeField      protoreflect.Name = "page_size"
	nextPageTokenField protoreflect.Name = "next_page_token"
)

// TestPageTokenScope proves, for every list method of every service in the
// stack, that a page token is refused for a request that differs from the
// one it was minted for in any field but page_size — parent or filter —
// and accepted for the same request. The list methods and their fields come
// from the services' descriptors, found over gRPC reflection; the values
// tried come from the demo data and from what the services answer.
func TestPageTokenScope(t *testing.T) {
	s := stacktest.Start(t)
	ctx := t.Context()
	_, err := demo.Load(ctx, demo.Clients{Blocs: s.Blocs, Honours: s.Honours, Movements: s.Movements, Nominations: s.Nominations})
	require.NoError(t, err)

	var known harvest
	plan, err := demo.NewPlan()
	require.NoError(t, err)
	known.addPlan(plan)
	// The demo signs a single covenant, and ListScores can only vary its
	// parent: a second covenant gives it another parent to try.
	known.add(secondCovenant(t, s.Blocs, plan))

	methods := listMethods(t, s)
	require.NotEmpty(t, methods, "the stack serves list methods")

	// Values first from every list that needs no parent, then from the
	// others as their parents become known.
	bases := make(map[string]protoreflect.Message)
	for pending := methods; len(pending) > 0; {
		var left []listMethod
		for _, m := range pending {
			if base := m.mintable(t, &known); base != nil {
				bases[m.path] = base
			} else {
				left = append(left, m)
			}
		}
		if len(left) == len(pending) {
			names := make([]string, len(left))
			for i, m := range left {
				names[i] = m.path
			}
			require.Failf(t, "cannot mint a page token", "no request with page_size=1 returned a next_page_token for %v", names)
		}
		pending = left
	}

	for _, m := range methods {
		t.Run(m.name, func(t *testing.T) {
			base := bases[m.path]
			first := m.call(t.Context(), base)
			require.NoError(t, first.err, "first page of %v", base)
			token := first.resp.Get(m.nextToken).String()
			require.NotEmpty(t, token)

			// The same request goes on with the token, whatever the page size.
			for _, size := range []int32{1, 2} {
				next := m.withPage(base, token, size)
				require.NoError(t, m.call(t.Context(), next).err, "the same request with its token, page_size=%d", size)
			}

			fields := m.in.Fields()
			for i := range fields.Len() {
				fd := fields.Get(i)
				if fd.Name() == pageTokenField || fd.Name() == pageSizeField {
					continue
				}
				other := m.otherRequest(t, base, fd, &known)
				require.NotNil(t, other, "%s: no value of %s other than %v is accepted without a token; the test cannot vary it",
					m.path, fd.Name(), base.Get(fd))
				t.Logf("%s: %v instead of %v", fd.Name(), other.Get(fd), base.Get(fd))
				err := m.call(t.Context(), m.withPage(other, token, 1)).err
				requirePageTokenRefused(t, err, fmt.Sprintf("{%v} with a token minted for {%v}", other.Interface(), base.Interface()))
			}
		})
	}
}

// requirePageTokenRefused checks that err is InvalidArgument with a
// BadRequest field violation naming pageToken.
func requirePageTokenRefused(t *testing.T, err error, what string) {
	t.Helper()
	require.Error(t, err, what)
	st, ok := status.FromError(err)
	require.True(t, ok, "%v is a status: %s", err, what)
	require.Equal(t, codes.InvalidArgument, st.Code(), "%v: %s", err, what)
	var fields []string
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
	}
	require.Contains(t, fields, "pageToken", "%v: %s", err, what)
}

// secondCovenant creates, for the group of the demo's first covenant, an
// unsigned covenant with the same criteria a year later, and returns it.
func secondCovenant(t *testing.T, c blocsv1.BlocsServiceClient, plan *demo.Plan) *blocsv1.Covenant {
	t.Helper()
	require.NotEmpty(t, plan.Covenants)
	first := plan.Covenants[0]
	year, err := strconv.Atoi(first.GetCovenantId())
	require.NoError(t, err)
	cov, err := c.CreateCovenant(t.Context(), &blocsv1.CreateCovenantRequest{
		Parent:     first.GetParent(),
		CovenantId: strconv.Itoa(year + 1),
		Covenant:   &blocsv1.Covenant{Criteria: first.GetCovenant().GetCriteria()},
	})
	require.NoError(t, err)
	return cov
}

// listMethod is a unary method whose request has a page_token.
type listMethod struct {
	conn      *grpc.ClientConn
	name      string // "tdkt.blocs.v1.BlocsService.ListUnits"
	path      string // "/tdkt.blocs.v1.BlocsService/ListUnits"
	in        protoreflect.MessageDescriptor
	out       protoreflect.MessageType
	inType    protoreflect.MessageType
	nextToken protoreflect.FieldDescriptor
}

// listMethods returns the list methods of every service the stack's gRPC
// endpoints serve, as their reflection service lists them.
func listMethods(t *testing.T, s *stacktest.Stack) []listMethod {
	t.Helper()
	require.NotEmpty(t, s.Services)
	var out []listMethod
	for _, e := range s.Services {
		conn, err := grpc.NewClient(e.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()), asAdmin(s))
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close() })
		services := reflectedServices(t, conn)
		require.NotEmpty(t, services, "%s serves services", e.Name)
		for _, name := range services {
			if strings.HasPrefix(name, "grpc.") {
				continue // health, reflection
			}
			d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(name))
			require.NoError(t, err, "%s serves %s, which this test binary must know", e.Name, name)
			sd, ok := d.(protoreflect.ServiceDescriptor)
			require.True(t, ok, "%s is a service", name)
			ms := sd.Methods()
			for i := range ms.Len() {
				md := ms.Get(i)
				tok := md.Input().Fields().ByName(pageTokenField)
				if tok == nil {
					continue
				}
				path := "/" + string(sd.FullName()) + "/" + string(md.Name())
				require.False(t, md.IsStreamingClient() || md.IsStreamingServer(), "%s: a paged method is unary", path)
				require.Equal(t, protoreflect.StringKind, tok.Kind(), "%s: page_token is a string", path)
				size := md.Input().Fields().ByName(pageSizeField)
				require.NotNil(t, size, "%s has page_size", path)
				require.Equal(t, protoreflect.Int32Kind, size.Kind(), "%s: page_size is an int32", path)
				next := md.Output().Fields().ByName(nextPageTokenField)
				require.NotNil(t, next, "%s answers next_page_token", path)
				inType, err := protoregistry.GlobalTypes.FindMessageByName(md.Input().FullName())
				require.NoError(t, err)
				outType, err := protoregistry.GlobalTypes.FindMessageByName(md.Output().FullName())
				require.NoError(t, err)
				out = append(out, listMethod{conn: conn, name: string(md.FullName()), path: path, in: md.Input(), inType: inType, out: outType, nextToken: next})
			}
		}
	}
	return out
}

// asAdmin sends the stack's central administrator's token with every
// unary call, so that every list method answers.
func asAdmin(s *stacktest.Stack) grpc.DialOption {
	return grpc.WithUnaryInterceptor(func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		return invoker(metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+s.AdminToken), method, req, reply, cc, opts...)
	})
}

// reflectedServices asks a server's reflection service what it serves.
func reflectedServices(t *testing.T, conn *grpc.ClientConn) []string {
	t.Helper()
	stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(t.Context())
	require.NoError(t, err)
	require.NoError(t, stream.Send(&reflectionpb.ServerReflectionRequest{
		MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{},
	}))
	resp, err := stream.Recv()
	require.NoError(t, err)
	require.NoError(t, stream.CloseSend())
	var names []string
	for _, svc := range resp.GetListServicesResponse().GetService() {
		names = append(names, svc.GetName())
	}
	return names
}

type result struct {
	resp protoreflect.Message
	err  error
}

// call invokes m with req over gRPC.
func (m listMethod) call(ctx context.Context, req protoreflect.Message) result {
	resp := m.out.New()
	err := m.conn.Invoke(ctx, m.path, req.Interface(), resp.Interface())
	return result{resp, err}
}

// withPage returns a copy of req with page_token and page_size set.
func (m listMethod) withPage(req protoreflect.Message, token string, size int32) protoreflect.Message {
	c := proto.Clone(req.Interface()).ProtoReflect()
	c.Set(m.in.Fields().ByName(pageTokenField), protoreflect.ValueOfString(token))
	c.Set(m.in.Fields().ByName(pageSizeField), protoreflect.ValueOfInt32(size))
	return c
}

// maxTries bounds the candidate values tried for one field.
const maxTries = 50

// mintable returns a request with page_size=1 whose response has a
// next_page_token: the empty request, or, when the method has required
// fields (a parent), one with known values in them. It adds what the
// method lists to known. It returns nil when no such request is found yet.
func (m listMethod) mintable(t *testing.T, known *harvest) protoreflect.Message {
	t.Helper()
	var required []protoreflect.FieldDescriptor
	fields := m.in.Fields()
	for i := range fields.Len() {
		if fd := fields.Get(i); isRequired(fd) {
			require.False(t, fd.Name() == pageTokenField || fd.Name() == pageSizeField, "%s: %s is required", m.path, fd.Name())
			required = append(required, fd)
		}
	}
	var try func(req protoreflect.Message, rest []protoreflect.FieldDescriptor) protoreflect.Message
	try = func(req protoreflect.Message, rest []protoreflect.FieldDescriptor) protoreflect.Message {
		if len(rest) == 0 {
			// A page as large as served, to learn values, then the first
			// page of one.
			if all := m.call(t.Context(), m.withPage(req, "", 1000)); all.err == nil {
				known.add(all.resp.Interface())
			}
			one := m.withPage(req, "", 1)
			if r := m.call(t.Context(), one); r.err == nil && r.resp.Get(m.nextToken).String() != "" {
				return one
			}
			return nil
		}
		fd := rest[0]
		for _, v := range candidates(fd, req.Get(fd), known) {
			c := proto.Clone(req.Interface()).ProtoReflect()
			c.Set(fd, v)
			if found := try(c, rest[1:]); found != nil {
				return found
			}
		}
		return nil
	}
	return try(m.inType.New(), required)
}

// otherRequest returns base with fd set to another value that the server
// accepts without a token, or nil when none of the values tried is.
func (m listMethod) otherRequest(t *testing.T, base protoreflect.Message, fd protoreflect.FieldDescriptor, known *harvest) protoreflect.Message {
	t.Helper()
	for _, v := range candidates(fd, base.Get(fd), known) {
		req := proto.Clone(base.Interface()).ProtoReflect()
		req.Set(fd, v)
		if proto.Equal(req.Interface(), base.Interface()) {
			continue
		}
		if m.call(t.Context(), req).err == nil {
			return req
		}
	}
	return nil
}

// candidates returns values of fd's type to try: the known strings that fit
// the field's validation pattern, each value of an enum, a few numbers, an
// empty message; for a repeated field, lists of one of those. current is
// the field's value now.
func candidates(fd protoreflect.FieldDescriptor, current protoreflect.Value, known *harvest) []protoreflect.Value {
	if fd.IsMap() {
		return nil
	}
	var out []protoreflect.Value
	add := func(v protoreflect.Value) {
		if len(out) < maxTries {
			out = append(out, v)
		}
	}
	var scalars []protoreflect.Value
	switch fd.Kind() {
	case protoreflect.StringKind:
		pattern := stringPattern(fd)
		if pattern == nil {
			scalars = append(scalars, protoreflect.ValueOfString("x"))
		}
		for _, s := range known.strings() {
			if pattern == nil || pattern.MatchString(s) {
				scalars = append(scalars, protoreflect.ValueOfString(s))
			}
		}
	case protoreflect.EnumKind:
		vs := fd.Enum().Values()
		for i := vs.Len() - 1; i >= 0; i-- {
			scalars = append(scalars, protoreflect.ValueOfEnum(vs.Get(i).Number()))
		}
	case protoreflect.BoolKind:
		scalars = append(scalars, protoreflect.ValueOfBool(!current.Bool()), protoreflect.ValueOfBool(true))
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		for _, n := range []int32{2023, 2024, 2020, 1, 100} {
			scalars = append(scalars, protoreflect.ValueOfInt32(n))
		}
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		for _, n := range []int64{2023, 2024, 2020, 1, 100} {
			scalars = append(scalars, protoreflect.ValueOfInt64(n))
		}
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		for _, n := range []uint32{2023, 2024, 2020, 1, 100} {
			scalars = append(scalars, protoreflect.ValueOfUint32(n))
		}
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		for _, n := range []uint64{2023, 2024, 2020, 1, 100} {
			scalars = append(scalars, protoreflect.ValueOfUint64(n))
		}
	case protoreflect.FloatKind:
		scalars = append(scalars, protoreflect.ValueOfFloat32(1), protoreflect.ValueOfFloat32(0.5))
	case protoreflect.DoubleKind:
		scalars = append(scalars, protoreflect.ValueOfFloat64(1), protoreflect.ValueOfFloat64(0.5))
	case protoreflect.BytesKind:
		scalars = append(scalars, protoreflect.ValueOfBytes([]byte("x")))
	case protoreflect.MessageKind:
		if mt, err := protoregistry.GlobalTypes.FindMessageByName(fd.Message().FullName()); err == nil {
			scalars = append(scalars, protoreflect.ValueOfMessage(mt.New())) // set, though empty
		}
	}
	if !fd.IsList() {
		for _, v := range scalars {
			add(v)
		}
		return out
	}
	// A repeated field: one element, unless it holds just that one now.
	for _, v := range scalars {
		l := listOf(fd)
		l.Append(v)
		add(protoreflect.ValueOfList(l))
	}
	return out
}

// listOf returns an empty list for the repeated field fd.
func listOf(fd protoreflect.FieldDescriptor) protoreflect.List {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(fd.ContainingMessage().FullName())
	if err != nil {
		panic(err)
	}
	return mt.New().NewField(fd).List()
}

// Extensions the test reads from field options.
var (
	fieldBehavior = mustExtension("google.api.field_behavior")
	validateField = mustExtension("buf.validate.field")
)

func mustExtension(name protoreflect.FullName) protoreflect.ExtensionType {
	xt, err := protoregistry.GlobalTypes.FindExtensionByName(name)
	if err != nil {
		panic(fmt.Sprintf("extension %s is not linked in: %v", name, err))
	}
	return xt
}

// option returns the value of extension xt in fd's options, or an invalid
// Value when it is not set.
func option(fd protoreflect.FieldDescriptor, xt protoreflect.ExtensionType) protoreflect.Value {
	opts, ok := fd.Options().(proto.Message)
	if !ok || opts == nil || !proto.HasExtension(opts, xt) {
		return protoreflect.Value{}
	}
	return opts.ProtoReflect().Get(xt.TypeDescriptor())
}

// isRequired reports whether fd has (google.api.field_behavior) = REQUIRED.
func isRequired(fd protoreflect.FieldDescriptor) bool {
	opt := option(fd, fieldBehavior)
	if !opt.IsValid() {
		return false
	}
	required := fieldBehavior.TypeDescriptor().Enum().Values().ByName("REQUIRED").Number()
	l := opt.List()
	for i := range l.Len() {
		if l.Get(i).Enum() == required {
			return true
		}
	}
	return false
}

// stringPattern returns fd's (buf.validate.field).string.pattern, or nil.
func stringPattern(fd protoreflect.FieldDescriptor) *regexp.Regexp {
	opt := option(fd, validateField)
	if !opt.IsValid() {
		return nil
	}
	rules := opt.Message()
	str := rules.Descriptor().Fields().ByName("string")
	if str == nil || !rules.Has(str) {
		return nil
	}
	sr := rules.Get(str).Message()
	p := sr.Descriptor().Fields().ByName("pattern")
	if p == nil || !sr.Has(p) {
		return nil
	}
	return regexp.MustCompile(sr.Get(p).String())
}

// harvest is the set of strings seen in the demo data and in responses:
// resource names, references, codes.
type harvest struct {
	seen map[string]bool
}

// add records every string held in msgs, at any depth.
func (h *harvest) add(msgs ...proto.Message) {
	if h.seen == nil {
		h.seen = make(map[string]bool)
	}
	for _, m := range msgs {
		h.walk(m.ProtoReflect())
	}
}

func (h *harvest) walk(m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		h.value(fd, v)
		return true
	})
}

func (h *harvest) value(fd protoreflect.FieldDescriptor, v protoreflect.Value) {
	switch {
	case fd.IsList():
		l := v.List()
		for i := range l.Len() {
			h.scalar(fd, l.Get(i))
		}
	case fd.IsMap():
		v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
			h.scalar(fd.MapKey(), k.Value())
			h.scalar(fd.MapValue(), mv)
			return true
		})
	default:
		h.scalar(fd, v)
	}
}

func (h *harvest) scalar(fd protoreflect.FieldDescriptor, v protoreflect.Value) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		if s := v.String(); s != "" {
			h.seen[s] = true
		}
	case protoreflect.MessageKind, protoreflect.GroupKind:
		h.walk(v.Message())
	}
}

// addPlan records the strings of every request of the demo plan.
func (h *harvest) addPlan(p *demo.Plan) {
	pv := reflect.ValueOf(p).Elem()
	for i := range pv.NumField() {
		f := pv.Field(i)
		if f.Kind() != reflect.Slice {
			continue
		}
		for j := range f.Len() {
			if m, ok := f.Index(j).Interface().(proto.Message); ok {
				h.add(m)
			}
		}
	}
}

// strings returns the strings seen, sorted.
func (h *harvest) strings() []string {
	out := make([]string, 0, len(h.seen))
	for s := range h.seen {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}
