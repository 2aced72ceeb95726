// Package spark is itersql's client of a Spark Connect server: connect to a
// remote (sc://host:port), run one SQL statement, read all its rows with
// their names and Spark types, interrupt what runs, and close.
//
// It stands on github.com/apache/spark-connect-go, an experimental client
// pinned in go.mod. That client lacks two things this package needs, and
// both are done here with public gRPC and protobuf APIs rather than with
// its internal packages:
//   - Interrupt: the client has no call for it. The session's id is taken
//     from its own requests by a gRPC interceptor, and the Connect
//     InterruptRequest (INTERRUPT_TYPE_ALL) is built from the message type
//     the client registers with protobuf.
//   - Releasing the session: its SparkSession.Stop does nothing, so Close
//     sends ReleaseSession, which frees the server's state for the session
//     (its temp views and running operations).
//   - Progress: the client drops the ExecutionProgress messages the server
//     streams while an operation runs; the same interceptor reads them
//     (Progress).
package spark

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/spark-connect-go/spark/client/channel"
	"github.com/apache/spark-connect-go/spark/sql"
	"github.com/apache/spark-connect-go/spark/sql/types"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// RemoteEnv names the environment variable that tests and tools read the
// server's address from (scripts/spark-server.sh prints it).
const RemoteEnv = "ITERSQL_SPARK_REMOTE"

// Session is one Spark Connect session. Its methods may be called from
// several goroutines; Interrupt is meant to be.
type Session struct {
	remote  string
	conn    *grpc.ClientConn
	session sql.SparkSession

	mu        sync.Mutex
	sessionID string // learnt from the first request the client sends
	userID    string
	closed    bool

	// progress is the running operation's percent done
	// (math.Float64bits); negative when unknown.
	progress atomic.Uint64
}

// Column is one column of a result: its name and Spark's name of its type
// (integer, long, double, decimal(10,2), string, date, timestamp, ...).
type Column struct {
	Name string
	Type string
}

// Result is a statement's whole result.
type Result struct {
	Columns []Column
	Rows    [][]any
}

// Connect opens a session on remote, "sc://host:port". Only plain
// connections are supported for now (no token, no TLS): a local or
// in-cluster server. It runs a trivial query so that a wrong address fails
// here rather than at the first statement (gRPC connects lazily).
func Connect(ctx context.Context, remote string) (*Session, error) {
	if err := checkRemote(remote); err != nil {
		return nil, err
	}
	base, err := channel.NewBuilder(remote)
	if err != nil {
		return nil, fmt.Errorf("spark: remote %q: %w", remote, err)
	}
	s := &Session{remote: remote}
	s.setProgress(-1)
	target := net.JoinHostPort(base.Host(), strconv.Itoa(base.Port()))
	conn, err := grpc.NewClient(target,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithAuthority(base.Host()),
		grpc.WithChainUnaryInterceptor(s.learnUnary),
		grpc.WithChainStreamInterceptor(s.learnStream))
	if err != nil {
		return nil, fmt.Errorf("spark: %s: %w", remote, err)
	}
	s.conn = conn
	s.session, err = sql.NewSessionBuilder().
		WithChannelBuilder(&fixedChannel{BaseBuilder: base, conn: conn}).
		Build(ctx)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("spark: %s: %w", remote, err)
	}
	if _, err := s.Query(ctx, "SELECT 1"); err != nil {
		conn.Close()
		return nil, fmt.Errorf("spark: %s does not answer: %w", remote, err)
	}
	return s, nil
}

// checkRemote refuses what Connect cannot honour, before the client
// silently ignores it.
func checkRemote(remote string) error {
	u, err := url.Parse(remote)
	if err != nil {
		return fmt.Errorf("spark: remote %q: %w", remote, err)
	}
	if u.Scheme != "sc" {
		return fmt.Errorf("spark: remote %q: want sc://host:port", remote)
	}
	for _, p := range strings.Split(strings.TrimPrefix(u.Path, "/"), ";") {
		k, _, _ := strings.Cut(p, "=")
		if k == "token" || k == "use_ssl" {
			return fmt.Errorf("spark: remote %q: %s is not supported yet (plain connections only)", remote, k)
		}
	}
	return nil
}

// fixedChannel hands the session builder the connection made by Connect,
// with its interceptors; everything else is the client's parsed remote.
type fixedChannel struct {
	*channel.BaseBuilder
	conn *grpc.ClientConn
}

func (f *fixedChannel) Build(context.Context) (*grpc.ClientConn, error) { return f.conn, nil }

// Remote is the address the session was opened on.
func (s *Session) Remote() string { return s.remote }

// Exec runs a statement and discards its rows (DDL, CREATE TABLE ... AS,
// DROP, SET). The client runs SQL commands eagerly, so this waits for the
// statement to finish.
func (s *Session) Exec(ctx context.Context, statement string) error {
	defer s.interruptOnCancel(ctx)()
	defer s.setProgress(-1)
	_, err := s.session.Sql(ctx, statement)
	if err != nil {
		return serverError(statement, err)
	}
	return nil
}

// Query runs a statement and reads all its rows. Values are Go's:
// int8/int16/int32/int64, float32/float64, string, bool, []byte, []any for
// an ARRAY, nil for NULL; DECIMAL as its exact decimal text ("1.25", scale
// digits kept, as Go has no decimal type); DATE and TIMESTAMP as
// time.Time in UTC.
func (s *Session) Query(ctx context.Context, statement string) (*Result, error) {
	defer s.interruptOnCancel(ctx)()
	defer s.setProgress(-1)
	df, err := s.session.Sql(ctx, statement)
	if err != nil {
		return nil, serverError(statement, err)
	}
	// The rows come as Arrow, whose schema keeps what the client's own
	// schema and rows lose: a DECIMAL's precision and scale.
	table, err := df.ToArrow(ctx)
	if err != nil {
		return nil, serverError(statement, err)
	}
	if table == nil || *table == nil {
		// No batch came back, so no Arrow schema: ask for the schema.
		schema, err := df.Schema(ctx)
		if err != nil {
			return nil, fmt.Errorf("spark: schema: %w", err)
		}
		return &Result{Columns: columns(schema), Rows: [][]any{}}, nil
	}
	defer (*table).Release()
	return fromArrow(*table)
}

func columns(schema *types.StructType) []Column {
	out := make([]Column, len(schema.Fields))
	for i, f := range schema.Fields {
		out[i] = Column{Name: f.Name, Type: strings.ToLower(f.DataType.TypeName())}
	}
	return out
}

// interruptOnCancel makes a cancelled ctx stop the statement on the
// server too: cancelling only ends the client's gRPC stream, and the
// server runs the operation on to its end (a test shows it). The
// returned func, deferred by the caller, waits for a sent Interrupt, so
// that when Query or Exec returns nothing of theirs still runs.
// Interrupt stops every operation of the session, so a Session is meant
// to run one statement at a time.
func (s *Session) interruptOnCancel(ctx context.Context) func() {
	done := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(done)
		ictx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s.Interrupt(ictx) // best effort: the caller already has ctx's error
	})
	return func() {
		if !stop() {
			<-done
		}
	}
}

// Interrupt asks the server to stop every operation running in this
// session (Connect's InterruptRequest with INTERRUPT_TYPE_ALL) and returns
// the ids of those it interrupted. The calls waiting on them return an
// error. A session that has sent nothing yet has nothing to interrupt.
func (s *Session) Interrupt(ctx context.Context) ([]string, error) {
	req, err := s.request("spark.connect.InterruptRequest")
	if err != nil {
		return nil, err
	}
	fields := req.Descriptor().Fields()
	req.Set(fields.ByName("interrupt_type"),
		protoreflect.ValueOfEnum(enumNumber(fields.ByName("interrupt_type"), "INTERRUPT_TYPE_ALL")))
	resp, err := newMessage("spark.connect.InterruptResponse")
	if err != nil {
		return nil, err
	}
	if err := s.conn.Invoke(ctx, "/spark.connect.SparkConnectService/Interrupt", req.Interface(), resp.Interface()); err != nil {
		return nil, fmt.Errorf("spark: interrupt: %w", err)
	}
	ids := resp.Get(resp.Descriptor().Fields().ByName("interrupted_ids")).List()
	out := make([]string, ids.Len())
	for i := range out {
		out[i] = ids.Get(i).String()
	}
	return out, nil
}

// Close releases the session on the server and closes the connection.
// Closing twice is harmless.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	var release error
	if req, err := s.request("spark.connect.ReleaseSessionRequest"); err == nil {
		resp, err := newMessage("spark.connect.ReleaseSessionResponse")
		// An operation interrupted before it started is still
		// "ReadyForExecution" for a moment, and the server refuses to
		// close the session until it is Canceled: retry for a while.
		for try := 0; err == nil; try++ {
			err = s.conn.Invoke(context.Background(), "/spark.connect.SparkConnectService/ReleaseSession", req.Interface(), resp.Interface())
			if err == nil || try == 20 || !strings.Contains(err.Error(), "is not within statuses") {
				break
			}
			time.Sleep(250 * time.Millisecond)
			err = nil
		}
		if err != nil {
			release = fmt.Errorf("spark: release session: %w", err)
		}
	}
	if err := s.conn.Close(); err != nil && release == nil {
		return err
	}
	return release
}

// request makes a message of the named type with this session's
// session_id and user_context set, as every Connect request has them.
func (s *Session) request(name protoreflect.FullName) (protoreflect.Message, error) {
	s.mu.Lock()
	sessionID, userID := s.sessionID, s.userID
	s.mu.Unlock()
	if sessionID == "" {
		return nil, fmt.Errorf("spark: the session has sent no request yet")
	}
	m, err := newMessage(name)
	if err != nil {
		return nil, err
	}
	fields := m.Descriptor().Fields()
	m.Set(fields.ByName("session_id"), protoreflect.ValueOfString(sessionID))
	uc := m.Mutable(fields.ByName("user_context")).Message()
	uc.Set(uc.Descriptor().Fields().ByName("user_id"), protoreflect.ValueOfString(userID))
	return m, nil
}

// newMessage makes an empty message of a Connect type. The client's
// generated code registers every type with protobuf when it is linked in.
func newMessage(name protoreflect.FullName) (protoreflect.Message, error) {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(name)
	if err != nil {
		return nil, fmt.Errorf("spark: %s: %w", name, err)
	}
	return mt.New(), nil
}

func enumNumber(f protoreflect.FieldDescriptor, name protoreflect.Name) protoreflect.EnumNumber {
	return f.Enum().Values().ByName(name).Number()
}

// learn records the session and user id of an outgoing request: the
// client generates the session id and does not expose it.
func (s *Session) learn(msg any) {
	m, ok := msg.(interface{ ProtoReflect() protoreflect.Message })
	if !ok {
		return
	}
	r := m.ProtoReflect()
	f := r.Descriptor().Fields().ByName("session_id")
	if f == nil || f.Kind() != protoreflect.StringKind {
		return
	}
	id := r.Get(f).String()
	if id == "" {
		return
	}
	user := ""
	if uf := r.Descriptor().Fields().ByName("user_context"); uf != nil && r.Has(uf) {
		uc := r.Get(uf).Message()
		user = uc.Get(uc.Descriptor().Fields().ByName("user_id")).String()
	}
	s.mu.Lock()
	if s.sessionID == "" {
		s.sessionID, s.userID = id, user
	}
	s.mu.Unlock()
}

func (s *Session) learnUnary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	s.learn(req)
	return invoker(ctx, method, req, reply, cc, opts...)
}

func (s *Session) learnStream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	cs, err := streamer(ctx, desc, cc, method, opts...)
	if err != nil {
		return nil, err
	}
	return &learningStream{ClientStream: cs, s: s}, nil
}

type learningStream struct {
	grpc.ClientStream
	s *Session
}

func (l *learningStream) SendMsg(m any) error {
	l.s.learn(m)
	return l.ClientStream.SendMsg(m)
}

func (l *learningStream) RecvMsg(m any) error {
	err := l.ClientStream.RecvMsg(m)
	if err == nil {
		l.s.learnProgress(m)
	}
	return err
}

// Progress is how far the statement that runs now is, in percent: the
// tasks completed out of all tasks of the stages Spark has reported for
// it so far (as pyspark's progress bar counts them). It falls back when a
// new stage starts. ok is false before the server's first report, which
// Spark sends every spark.connect.progress.reportInterval (2 s by
// default), and when no statement runs. It may be called from any
// goroutine.
func (s *Session) Progress() (percent float64, ok bool) {
	p := math.Float64frombits(s.progress.Load())
	return p, p >= 0
}

func (s *Session) setProgress(p float64) { s.progress.Store(math.Float64bits(p)) }

// learnProgress reads an ExecutePlanResponse's execution_progress, if it
// has one.
func (s *Session) learnProgress(msg any) {
	m, ok := msg.(interface{ ProtoReflect() protoreflect.Message })
	if !ok {
		return
	}
	r := m.ProtoReflect()
	f := r.Descriptor().Fields().ByName("execution_progress")
	if f == nil || f.Message() == nil || !r.Has(f) {
		return
	}
	ep := r.Get(f).Message()
	stages := ep.Get(ep.Descriptor().Fields().ByName("stages")).List()
	var tasks, completed int64
	for i := 0; i < stages.Len(); i++ {
		st := stages.Get(i).Message()
		fields := st.Descriptor().Fields()
		tasks += st.Get(fields.ByName("num_tasks")).Int()
		completed += st.Get(fields.ByName("num_completed_tasks")).Int()
	}
	if tasks > 0 {
		s.setProgress(100 * float64(completed) / float64(tasks))
	}
}

// Error is an error of the server, with its message cut to what a user
// reads: the client repeats the whole statement and the error class
// ("execution error: failed to execute sql: <the SQL>: execution error:
// [CLASS] [CLASS] message SQLSTATE: x. SQLSTATE: x", sometimes followed by
// "; line 1 pos 7;" and the analyzed plan). Where Spark says where in
// the statement the error is, Offset gives it.
type Error struct {
	Msg string
	// SQL is the statement that failed; Line (from 1) and Col (a
	// character in the line, from 0) are where Spark points in it: "line
	// L pos P" of an analysis error, "== SQL (line L, position P) ==" of
	// a runtime one. Line is 0 when it points nowhere.
	SQL       string
	Line, Col int
	Err       error
}

func (e *Error) Error() string { return "spark: " + e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// Offset is the byte offset in SQL that the error points at, or -1.
func (e *Error) Offset() int {
	if e.Line < 1 {
		return -1
	}
	off := 0
	for l := 1; l < e.Line; l++ {
		i := strings.IndexByte(e.SQL[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	line := e.SQL[off:]
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	col := 0
	for i := range line {
		if col == e.Col {
			return off + i
		}
		col++
	}
	return -1
}

var (
	clientPrefix = regexp.MustCompile(`(?s)^.*execution error: `)
	doubleClass  = regexp.MustCompile(`^(\[[A-Z_.]+\])\s+(\[[A-Z_.]+\]) `)
	analysisAt   = regexp.MustCompile(`; line (\d+) pos (\d+)`)
	runtimeAt    = regexp.MustCompile(`\n== SQL \(line (\d+), position (\d+)\) ==`)
)

func serverError(statement string, err error) error {
	msg := err.Error()
	msg = clientPrefix.ReplaceAllString(msg, "")
	if m := doubleClass.FindStringSubmatch(msg); m != nil && m[1] == m[2] {
		msg = m[1] + " " + msg[len(m[0]):]
	}
	e := &Error{SQL: statement, Err: err}
	if m := analysisAt.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Col, _ = strconv.Atoi(m[2])
	} else if m := runtimeAt.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Col, _ = strconv.Atoi(m[2])
		e.Col-- // from 1 here
	}
	// What follows the SQLSTATE is the state again, or the position in
	// the SQL Spark ran (not the user's) and the analyzed plan.
	if i := strings.Index(msg, "SQLSTATE:"); i >= 0 {
		msg = msg[:i]
	}
	// Spark's advice on further lines ("If you did not qualify the
	// name ...") is the same for every error of its class.
	if i := strings.Index(msg, "\n"); i >= 0 {
		msg = msg[:i]
	}
	e.Msg = strings.TrimSpace(msg)
	return e
}
