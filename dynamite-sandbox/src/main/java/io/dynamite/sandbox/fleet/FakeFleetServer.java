package io.dynamite.sandbox.fleet;

import static io.dynamite.sandbox.fleet.FleetWire.badBase64Index;
import static io.dynamite.sandbox.fleet.FleetWire.field;
import static io.dynamite.sandbox.fleet.FleetWire.first;
import static io.dynamite.sandbox.fleet.FleetWire.firstBadChar;
import static io.dynamite.sandbox.fleet.FleetWire.goQuote;
import static io.dynamite.sandbox.fleet.FleetWire.parseQuery;
import static io.dynamite.sandbox.fleet.FleetWire.quoteRune;
import static io.dynamite.sandbox.fleet.FleetWire.text;
import static io.dynamite.sandbox.fleet.FleetWire.token;
import static io.dynamite.sandbox.fleet.FleetWire.validateName;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dynamite.api.UnitOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A fake fleetd: a real HTTP server (on {@code 127.0.0.1} and a free port unless told otherwise)
 * serving fleet's HTTP API v1 under {@code /fleet/v1} (and the legacy {@code /v1-alpha}), as a real
 * fleetd v1.0 behaves.
 *
 * <p>What it reproduces:
 *
 * <ul>
 *   <li>{@code GET/PUT/DELETE /units/{name}} with fleet's exact PUT decision tree: 415 without
 *       exactly one {@code Content-Type} ({@code expected 1 Content-Type, got 0}) or with another
 *       media type than {@code application/json}, 400 for undecodable bodies, name mismatches,
 *       invalid names, over-long lines and unresolvable X-Fleet requirements, 409 for a create
 *       without options or an update without {@code desiredState}, 201 for create/replace (a
 *       replace without {@code desiredState} resets the unit to {@code inactive}), 204 for a state
 *       change, 400 when activating a template, 500 for an invalid {@code desiredState} on create,
 *       and the "poisoned unit" of an invalid {@code desiredState} on update (204, then 500 on
 *       every access and gone from lists).
 *   <li>Options are stored the way fleet re-parses its unit file: grouped by section, values
 *       trimmed, newlines split into further options; replace detection compares SHA-1 hashes of
 *       the serialised file, so whitespace or section-order differences cause a (spurious)
 *       replace exactly as on a real fleetd.
 *   <li>Scheduling as fleet's engine does it ({@code MachineID}, {@code MachineOf}, {@code
 *       MachineMetadata}, {@code Conflicts}, {@code Global}, least loaded machine first): a unit
 *       whose requirements cannot be met stays unscheduled ({@code currentState inactive}, no
 *       {@code machineID}, no {@code /state}) until the cluster changes so that it fits.
 *   <li>A unit's life in {@code currentState} and {@code /state} as fleet's agent and systemd walk
 *       it: {@code loaded/activating/start}, then {@code active/running}, or {@code failed/failed}
 *       for a unit whose process exits with an error ({@code ExecStart=/bin/false}), a unit marked
 *       with {@link #failUnit} or one that fails some time after its start ({@code [X-FakeFleet]
 *       FailAfterStart=30s} in the unit, or {@link #failAfterStart}); {@code
 *       deactivating/stop} on the way to {@code inactive/dead}. How long each step takes is the
 *       {@link FakeFleetProfile}: {@linkplain FakeFleetProfile#instant() at once} (the default) or
 *       {@linkplain FakeFleetProfile#realistic() as measured on a real fleetd} (a launch takes 6-8
 *       s, a deleted unit's state lingers, a replaced unit keeps its machine until the next
 *       reconcile). Global units ({@code [X-Fleet] Global=true}) get one state per machine and no
 *       {@code currentState}/{@code machineID} on a single-unit GET.
 *   <li>{@code GET /state} with {@code machineID}/{@code unitName} filters; {@code GET
 *       /state/{name}} drops the connection without a response when the unit has no state (fleet's
 *       handler panics).
 *   <li>Pagination with fleet's tokens (URL-safe base64 of little-endian {@code uint16 limit,
 *       uint16 page}), a token whenever a page is full, {@code {}} for empty pages and the token
 *       errors; machines with {@code PATCH /machines} metadata edits.
 *   <li>The exact error bodies of a real fleetd, and injectable "etcd down" phases (500 with an
 *       empty message, then 503) and faults of mutating calls.
 * </ul>
 *
 * <p>Every request is recorded ({@link #requests()}) so tests can assert on what went over the
 * wire. The model can be inspected directly ({@link #unit}, {@link #states}).
 *
 * <p>Time: the cluster moves on the {@link Builder#clock clock} it is given (the system clock by
 * default). Nothing runs in the background: whatever is due by the clock's time is applied when a
 * request or an inspection looks, so a test's manual clock drives the fake without sleeping and a
 * real clock makes it a real-time fleet. Random steps of the realistic profile are drawn from a
 * {@linkplain Builder#seed seeded} sequence. Only the held answers of mutation faults wait on a
 * scheduler (its own, or the {@linkplain Builder#scheduler one given}).
 *
 * <p>Thread-safety: all methods are thread-safe; the server answers requests concurrently on its
 * own daemon threads.
 *
 * <p>Standalone: {@code java -cp <classpath> io.dynamite.sandbox.fleet.FakeFleetServer --port 49153
 * --profile realistic} runs it until SIGTERM (see {@link #main}).
 *
 * <p>Not simulated: agent TTLs (a removed machine's units keep their states and are not moved),
 * {@code Replaces}, and the {@code /metrics} endpoint.
 *
 * @since 0.1
 */
public final class FakeFleetServer implements AutoCloseable {
  /** The machine every new server starts with, the (anonymised) id of the live captures. */
  public static final String DEFAULT_MACHINE_ID = "4e3a8f0c2b1d4c6e9a7f5b3d1c0e2a4f";

  private static final String SERVER_HEADER = "fleetd/v1.0.0";
  private static final Set<String> STATES = Set.of("inactive", "loaded", "launched");
  private static final Pattern METADATA_PATH = Pattern.compile("^/([^/]+)/metadata/([A-Za-z0-9_.-]+$)");
  private static final AtomicInteger SERVER_IDS = new AtomicInteger();

  private final ObjectMapper json = new ObjectMapper();
  private final HttpServer http;
  private final ExecutorService httpExecutor;
  private final ScheduledExecutorService scheduler;
  private final boolean ownScheduler;
  private final byte[] discovery;
  private final FakeFleetProfile profile;
  private final String endpoint;

  /** Told of each request before the lock is taken; set once, never guarded. */
  private final Consumer<Request> onRequest;

  // Guarded by "this": the cluster and everything below.
  private final Cluster cluster;
  private final List<Request> requests = new ArrayList<>();
  private int pageSize;
  private int outage500;
  private int outage503;
  private final java.util.ArrayDeque<MutationFault> mutationFaults = new java.util.ArrayDeque<>();
  private double faultRate;
  private java.util.@Nullable Random faultRandom;
  private Duration hang = Duration.ofSeconds(2);
  private final Map<MutationFault, Integer> injected = new java.util.EnumMap<>(MutationFault.class);
  // unit name -> the fault its next mutating request gets, and how long a hanging one holds it
  private final Map<String, Map.Entry<MutationFault, Duration>> unitFaults = new java.util.HashMap<>();

  private FakeFleetServer(Builder b, InetAddress address) throws IOException {
    this.pageSize = b.pageSize;
    this.profile = b.profile;
    this.onRequest = b.onRequest;
    this.cluster = new Cluster(b.profile, b.clock, b.seed, b.startDelay != null ? b.startDelay : b.profile.systemdStart());
    cluster.failMarks.addAll(b.failMarks);
    for (Machine m : b.machines) {
      cluster.machines.put(m.id(), m);
    }
    try (InputStream in =
        FakeFleetServer.class.getResourceAsStream("discovery-v1.json")) {
      this.discovery = Objects.requireNonNull(in, "discovery-v1.json").readAllBytes();
    }
    int id = SERVER_IDS.incrementAndGet();
    this.ownScheduler = b.scheduler == null;
    this.scheduler = b.scheduler != null
        ? b.scheduler
        : Executors.newSingleThreadScheduledExecutor(daemon("fake-fleet-" + id + "-answers"));
    this.httpExecutor = Executors.newFixedThreadPool(8, daemon("fake-fleet-" + id + "-http"));
    try {
      this.http = HttpServer.create(new InetSocketAddress(address, b.port), 0);
    } catch (IOException e) {
      httpExecutor.shutdownNow();
      if (ownScheduler) {
        scheduler.shutdownNow();
      }
      throw e;
    }
    http.createContext("/", this::handle);
    http.setExecutor(httpExecutor);
    http.start();
    InetAddress shown = address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address;
    String host = shown instanceof Inet6Address ? "[" + shown.getHostAddress() + "]" : shown.getHostAddress();
    this.endpoint = "http://" + host + ":" + http.getAddress().getPort();
  }

  /**
   * Starts a server with the defaults: one machine ({@link #DEFAULT_MACHINE_ID}, {@code
   * 127.0.0.1}), page size 100, the {@linkplain FakeFleetProfile#instant() instant} profile, on
   * {@code 127.0.0.1} and a free port.
   *
   * @return the running server; close it when done
   * @throws UncheckedIOException if the loopback port cannot be bound
   */
  public static FakeFleetServer start() {
    return builder().start();
  }

  /**
   * Returns a builder for a server with non-default settings.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs a server until the JVM is stopped (SIGTERM, SIGINT): prints its endpoint on one line
   * ({@code fake fleet (realistic profile) listening on http://127.0.0.1:49153}) and, when stopped,
   * closes it and prints {@code fake fleet stopped}.
   *
   * <p>Options: {@code --port N} (default 49153, 0 for a free one), {@code --host ADDRESS} (default
   * {@code 127.0.0.1}), {@code --profile realistic|instant} (default realistic), {@code --seed N},
   * {@code --page-size N}, {@code --help}. A bad option prints the usage and exits with 2; a port
   * that cannot be bound exits with 1; after SIGTERM the JVM exits with its usual 143.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    int code = Standalone.run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Returns the endpoint to give a fleet client, for example {@code http://127.0.0.1:41234}
   * (without the {@code /fleet/v1} base path).
   *
   * @return the endpoint URL
   */
  public String endpoint() {
    return endpoint;
  }

  /**
   * Returns the TCP port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return http.getAddress().getPort();
  }

  /**
   * Returns the timing profile the server runs with.
   *
   * @return the profile
   */
  public FakeFleetProfile profile() {
    return profile;
  }

  /** Stops the server and its threads (not a scheduler that was given to it). Idempotent. */
  @Override
  public void close() {
    http.stop(0);
    httpExecutor.shutdownNow();
    if (ownScheduler) {
      scheduler.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- configuration at runtime

  /**
   * Sets how long a launched unit stays {@code activating/start} before it becomes {@code
   * active/running} (or {@code failed/failed}): systemd's start time, by default the profile's.
   * Applies to starts begun afterwards.
   *
   * @param delay zero or positive
   */
  public synchronized void setStartDelay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("negative delay: " + delay);
    }
    cluster.startDelay = delay;
  }

  /**
   * Sets fleetd's {@code token_limit}: the page size of every list and the limit every page token
   * must carry.
   *
   * @param size 1 to 65535
   */
  public synchronized void setPageSize(int size) {
    if (size < 1 || size > 0xffff) {
      throw new IllegalArgumentException("page size out of range: " + size);
    }
    this.pageSize = size;
  }

  /**
   * Makes the named unit fail whenever it is started from now on: its {@code /state} ends in
   * {@code failed/failed} instead of {@code active/running} while {@code currentState} stays
   * {@code launched}, as with a real ExecStart failure.
   *
   * @param unitName the full unit name
   */
  public synchronized void failUnit(String unitName) {
    cluster.failing.add(Objects.requireNonNull(unitName, "unitName"));
  }

  /**
   * Makes units whose name matches {@code unitNameGlob} ({@code *} and {@code ?} as in fleet's
   * {@code Conflicts}) fail by themselves {@code after} their start finished, every time they are
   * started from now on: {@code active/running} turns into {@code failed/failed}, as a process that
   * crashes. The same as the unit option {@code [X-FakeFleet] FailAfterStart=<time span>}, which
   * wins if both are given.
   *
   * @param unitNameGlob the unit names, for example {@code web@*.service}
   * @param after zero or positive
   */
  public synchronized void failAfterStart(String unitNameGlob, Duration after) {
    cluster.failMarks.add(new Cluster.FailMark(unitNameGlob, after));
  }

  /**
   * Makes a unit running right now fail: every {@code /state} entry of it becomes {@code
   * failed/failed}, simulating a crash after start.
   *
   * @param unitName the full unit name
   * @return false if the unit has no state
   */
  public synchronized boolean crashUnit(String unitName) {
    sync();
    return cluster.crash(unitName);
  }

  /**
   * Removes a unit behind the client's back, as another fleet user would with {@code fleetctl
   * destroy}: the same as a {@code DELETE} (its {@code /state} entries linger as long as the profile
   * says).
   *
   * @param unitName the full unit name
   * @return false if there was no such unit
   */
  public synchronized boolean removeUnit(String unitName) {
    return cluster.destroy(unitName, sync()) != null;
  }

  /**
   * Adds (or replaces) a heart-beating machine. Units that could not be placed are placed again,
   * and global units get a state on it.
   *
   * @param id the machine id (32 hex characters on a real host)
   * @param primaryIp its public IP
   * @param metadata its metadata; copied
   */
  public synchronized void addMachine(String id, String primaryIp, Map<String, String> metadata) {
    Instant now = sync();
    cluster.machines.put(id, new Machine(id, primaryIp, Map.copyOf(metadata)));
    cluster.placePending(now);
  }

  /**
   * Removes a machine (it stops heart-beating). Units scheduled on it keep their state entries and
   * are not moved (fleet would after the agent's TTL); units launched afterwards with no machine
   * left stay unscheduled.
   *
   * @param id the machine id
   * @return false if unknown
   */
  public synchronized boolean removeMachine(String id) {
    sync();
    return cluster.machines.remove(id) != null;
  }

  /**
   * Simulates etcd becoming unreachable, as fleetd reports it: the next {@code timeouts} requests
   * answer {@code 500 {"error":{"code":500,"message":""}}} (each after etcd's request timeout on a
   * real server; immediately here), the following {@code unavailable} requests answer {@code 503
   * fleet server unable to communicate with etcd}; then the server is healthy again. Use {@link
   * Integer#MAX_VALUE} for an outage that lasts until {@link #endEtcdOutage()}.
   *
   * @param timeouts number of 500 answers, zero or more
   * @param unavailable number of 503 answers after those, zero or more
   */
  public synchronized void etcdOutage(int timeouts, int unavailable) {
    if (timeouts < 0 || unavailable < 0) {
      throw new IllegalArgumentException("negative count");
    }
    this.outage500 = timeouts;
    this.outage503 = unavailable;
  }

  /**
   * A fault of one mutating request ({@code PUT} or {@code DELETE} of a unit), as a fleetd whose
   * etcd is slow or flapping shows them.
   */
  public enum MutationFault {
    /** Answers {@code 500} without applying the request. */
    ERROR_500_BEFORE,
    /** Answers {@code 503} without applying the request. */
    ERROR_503_BEFORE,
    /** Applies the request, then answers {@code 500} (the write landed, the answer says otherwise). */
    ERROR_500_AFTER,
    /** Applies the request, then answers {@code 503}. */
    ERROR_503_AFTER,
    /** Holds the request for the hang time, then applies it and answers (a late write). */
    HANG_THEN_APPLY,
    /** Applies the request at once, then holds the answer for the hang time (a late answer). */
    APPLY_THEN_HANG
  }

  /**
   * Queues faults for the next mutating requests, one fault per request, in order; they are used
   * before any random fault.
   *
   * @param faults the faults
   */
  public synchronized void injectMutationFaults(MutationFault... faults) {
    mutationFaults.addAll(List.of(faults));
  }

  /**
   * Gives the next mutating request ({@code PUT} or {@code DELETE}) of one unit a fault, before any
   * queued or random fault; a hanging fault holds that request for {@code hang} (for example a
   * {@code DELETE} held longer than the client's timeout and applied after its retry).
   *
   * @param unitName the unit, for example {@code a@12023.service}
   * @param fault the fault
   * @param hang how long {@link MutationFault#HANG_THEN_APPLY} and {@link
   *     MutationFault#APPLY_THEN_HANG} hold this request
   */
  public synchronized void injectUnitFault(String unitName, MutationFault fault, Duration hang) {
    unitFaults.put(Objects.requireNonNull(unitName, "unitName"),
        Map.entry(Objects.requireNonNull(fault, "fault"), Objects.requireNonNull(hang, "hang")));
  }

  /**
   * Gives every mutating request a fault with probability {@code rate}, the fault chosen
   * uniformly, from a seeded random sequence (0 turns random faults off).
   *
   * @param rate probability from 0 to 1
   * @param seed the seed, so a run can be repeated
   * @param hangTime how long {@link MutationFault#HANG_THEN_APPLY} and {@link
   *     MutationFault#APPLY_THEN_HANG} hold a request
   */
  public synchronized void randomMutationFaults(double rate, long seed, Duration hangTime) {
    if (rate < 0 || rate > 1) {
      throw new IllegalArgumentException("rate must be from 0 to 1: " + rate);
    }
    this.faultRate = rate;
    this.faultRandom = rate == 0 ? null : new java.util.Random(seed);
    this.hang = Objects.requireNonNull(hangTime, "hangTime");
  }

  /**
   * Returns how many faults of each kind were injected so far.
   *
   * @return a copy
   */
  public synchronized Map<MutationFault, Integer> injectedFaults() {
    return new java.util.EnumMap<>(injected);
  }

  private @Nullable MutationFault nextFault(String method) {
    if (!method.equals("PUT") && !method.equals("DELETE")) {
      return null;
    }
    MutationFault f = mutationFaults.poll();
    if (f == null && faultRandom != null && faultRandom.nextDouble() < faultRate) {
      MutationFault[] all = MutationFault.values();
      f = all[faultRandom.nextInt(all.length)];
    }
    if (f != null) {
      injected.merge(f, 1, Integer::sum);
    }
    return f;
  }

  /** Ends an {@link #etcdOutage} at once. */
  public synchronized void endEtcdOutage() {
    outage500 = 0;
    outage503 = 0;
  }

  // ---------------------------------------------------------------- inspection

  /**
   * Returns every request received so far, in arrival order.
   *
   * @return an immutable copy
   */
  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Forgets the recorded requests. */
  public synchronized void clearRequests() {
    requests.clear();
  }

  /**
   * Returns a unit as stored (options as fleet re-parsed them).
   *
   * @param name the full unit name
   * @return the unit, empty if absent (or poisoned, which fleet cannot read either)
   */
  public synchronized Optional<Unit> unit(String name) {
    sync();
    Cluster.UnitRecord r = cluster.units.get(name);
    if (r == null || r.poisoned) {
      return Optional.empty();
    }
    return Optional.of(r.view(cluster.currentState(r)));
  }

  /**
   * Returns the names of every readable unit, sorted as fleet sorts them.
   *
   * @return an immutable list
   */
  public synchronized List<String> unitNames() {
    sync();
    List<String> names = new ArrayList<>();
    cluster.units.forEach((n, r) -> {
      if (!r.poisoned) {
        names.add(n);
      }
    });
    return List.copyOf(names);
  }

  /**
   * Returns the {@code /state} entries of a unit name, one per machine it is loaded on (including
   * the entries a deleted or replaced unit of that name still leaves).
   *
   * @param unitName the full unit name
   * @return an immutable list, sorted by machine, empty if the name is not loaded anywhere
   */
  public synchronized List<UnitState> states(String unitName) {
    sync();
    return List.copyOf(cluster.visibleStates(unitName).values());
  }

  /**
   * Stores a unit directly, bypassing HTTP, as if another fleet user had submitted it with a
   * desired state (the unit is then not Dynamite's). Options are re-parsed as on a PUT; a unit of
   * that name is replaced.
   *
   * @param name the full unit name (not validated)
   * @param options its options
   * @param desiredState {@code inactive}, {@code loaded} or {@code launched}
   */
  public synchronized void putUnit(String name, List<UnitOption> options, String desiredState) {
    if (!STATES.contains(desiredState)) {
      throw new IllegalArgumentException("bad desired state: " + desiredState);
    }
    Instant now = sync();
    List<UnitOption> stored = UnitFiles.reparse(options);
    cluster.submit(name, stored, UnitFiles.hash(stored), desiredState, now);
  }

  /** Brings the cluster up to the clock; every entry point calls it first. */
  private Instant sync() {
    return cluster.sync();
  }

  // ---------------------------------------------------------------- HTTP handling

  private void handle(HttpExchange ex) throws IOException {
    boolean answered = false;
    try {
      byte[] body = ex.getRequestBody().readAllBytes();
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getPath();
      String rawQuery = ex.getRequestURI().getRawQuery();
      Request request = new Request(method, path, rawQuery == null ? "" : rawQuery, new String(body, StandardCharsets.UTF_8));
      // outside the lock: an observer that is slow or reads the fake must not hold up other requests
      onRequest.accept(request);
      Response r;
      MutationFault fault;
      Duration holdFor;
      synchronized (this) {
        Instant now = sync();
        requests.add(request);
        fault = null;
        holdFor = hang;
        if (outage500 > 0) {
          outage500--;
          r = error(500, "");
        } else if (outage503 > 0) {
          outage503--;
          r = error(503, "fleet server unable to communicate with etcd").withoutServerHeader();
        } else {
          boolean unitPath = path.startsWith("/fleet/v1/units/") || path.startsWith("/v1-alpha/units/");
          Map.Entry<MutationFault, Duration> forUnit = unitPath && (method.equals("PUT") || method.equals("DELETE"))
              ? unitFaults.remove(path.substring(path.lastIndexOf('/') + 1)) : null;
          if (forUnit != null) {
            fault = forUnit.getKey();
            holdFor = forUnit.getValue();
            injected.merge(fault, 1, Integer::sum);
          } else {
            fault = unitPath ? nextFault(method) : null;
          }
          if (fault == MutationFault.ERROR_500_BEFORE) {
            r = error(500, "");
          } else if (fault == MutationFault.ERROR_503_BEFORE) {
            r = error(503, "fleet server unable to communicate with etcd").withoutServerHeader();
          } else if (fault == MutationFault.HANG_THEN_APPLY) {
            r = null;
          } else {
            r = route(ex, method, path, rawQuery, body, now);
            if (fault == MutationFault.ERROR_500_AFTER) {
              r = error(500, "");
            } else if (fault == MutationFault.ERROR_503_AFTER) {
              r = error(503, "fleet server unable to communicate with etcd").withoutServerHeader();
            }
          }
        }
      }
      if (fault == MutationFault.HANG_THEN_APPLY || fault == MutationFault.APPLY_THEN_HANG) {
        Response ready = r;
        scheduler.schedule(() -> {
          Response late = ready;
          if (late == null) {
            synchronized (this) {
              late = route(ex, method, path, rawQuery, body, sync());
            }
          }
          try {
            send(ex, late);
          } catch (IOException | RuntimeException e) {
            // the client gave up waiting: as with a real server, the write stays applied
          } finally {
            ex.close();
          }
        }, holdFor.toNanos(), TimeUnit.NANOSECONDS);
        answered = true; // answered later, on the scheduler
        return;
      }
      send(ex, r);
    } finally {
      if (!answered) {
        ex.close();
      }
    }
  }

  private static void send(HttpExchange ex, Response r) throws IOException {
    if (r == DROP) {
      // fleet's GET /state/{name} panics on a unit without state: net/http closes the connection
      // without writing anything. Closing the exchange before sending headers does the same.
      return;
    }
    if (r.serverHeader) {
      ex.getResponseHeaders().set("Server", SERVER_HEADER);
    }
    if (r.body == null) {
      if (r.jsonHeaderWithoutBody) {
        ex.getResponseHeaders().set("Content-Type", "application/json");
      }
      ex.sendResponseHeaders(r.status, -1);
    } else {
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(r.status, r.body.length);
      ex.getResponseBody().write(r.body);
    }
  }


  private Response route(HttpExchange ex, String method, String path, @Nullable String rawQuery, byte[] body, Instant now) {
    String rest;
    if (path.startsWith("/fleet/v1")) {
      rest = path.substring("/fleet/v1".length());
    } else if (path.startsWith("/v1-alpha")) {
      rest = path.substring("/v1-alpha".length());
    } else {
      return path.equals("/") ? error(405, "") : error(404, "");
    }
    if (rest.isEmpty()) {
      return error(405, "");
    }
    Map<String, List<String>> query = parseQuery(rawQuery);
    switch (rest) {
      case "/units":
        return method.equals("GET") ? listUnits(query) : error(405, "only GET supported against this resource");
      case "/state":
        return method.equals("GET") ? listStates(query) : error(405, "only GET supported against this resource");
      case "/machines":
        if (method.equals("GET")) {
          return listMachines(query);
        }
        return method.equals("PATCH") ? patchMachines(body, now) : error(405, "only GET and PATCH supported against this resource");
      case "/discovery":
        return method.equals("GET") ? new Response(200, discovery) : error(400, "only HTTP GET supported against this resource");
      default:
        break;
    }
    if (rest.startsWith("/units/")) {
      String name = rest.substring("/units/".length());
      if (name.isEmpty() || name.contains("/")) {
        return error(404, "");
      }
      switch (method) {
        case "GET":
          return getUnit(name);
        case "PUT":
          return putUnit(ex, name, body, now);
        case "DELETE":
          return deleteUnit(name, now);
        default:
          return error(405, "only GET, PUT and DELETE supported against this resource");
      }
    }
    if (rest.startsWith("/state/")) {
      String name = rest.substring("/state/".length());
      if (name.isEmpty() || name.contains("/")) {
        return error(404, "");
      }
      if (!method.equals("GET")) {
        return error(405, "only GET supported against this resource");
      }
      Map<String, UnitState> s = cluster.visibleStates(name);
      if (s.isEmpty()) {
        return DROP;
      }
      return ok(stateJson(s.values().iterator().next()));
    }
    return error(404, "");
  }

  private Response getUnit(String name) {
    Cluster.UnitRecord r = cluster.units.get(name);
    if (r == null) {
      return error(404, "unit does not exist");
    }
    if (r.poisoned) {
      return error(500, "");
    }
    // A single-unit GET of a global unit has neither currentState nor machineID (B22 in the
    // Dynamite spec): fleet only derives them for scheduled units.
    return ok(unitJson(r, r.requirements.global ? null : cluster.currentState(r)));
  }


  private Response deleteUnit(String name, Instant now) {
    Cluster.UnitRecord r = cluster.units.get(name);
    if (r == null) {
      return error(404, "unit does not exist");
    }
    if (r.poisoned) {
      return error(500, "");
    }
    // gone from /units at once; the agent stops and unloads it a little later (its /state lingers)
    cluster.destroy(name, now);
    return new Response(204, null);
  }

  private Response putUnit(HttpExchange ex, String urlName, byte[] body, Instant now) {
    List<String> contentTypes = ex.getRequestHeaders().get("Content-Type");
    int count = contentTypes == null ? 0 : contentTypes.size();
    if (count != 1) {
      return error(415, "expected 1 Content-Type, got " + count);
    }
    if (!contentTypes.get(0).split(";", 2)[0].strip().equals("application/json")) {
      return error(415, "only acceptable Content-Type is application/json");
    }
    JsonNode root;
    String text = new String(body, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return error(400, "unable to decode body: EOF");
    }
    try {
      root = json.readTree(text);
    } catch (JsonEOFException e) {
      return error(400, "unable to decode body: unexpected EOF");
    } catch (JsonProcessingException e) {
      return error(400, "unable to decode body: invalid character " + quoteRune(firstBadChar(text)) + " looking for beginning of value");
    }
    if (root == null || root.isNull()) {
      root = json.createObjectNode();
    }
    if (!root.isObject()) {
      return error(400, "unable to decode body: json: cannot unmarshal " + root.getNodeType().toString().toLowerCase(Locale.ROOT) + " into Go value of type schema.Unit");
    }
    String bodyName = text(field(root, "name"));
    String name = bodyName.isEmpty() ? urlName : bodyName;
    if (!bodyName.isEmpty() && !bodyName.equals(urlName)) {
      return error(400, "name in URL " + goQuote(urlName) + " differs from unit name in request body " + goQuote(bodyName));
    }
    String invalid = validateName(name);
    if (invalid != null) {
      return error(400, invalid);
    }
    String desired = text(field(root, "desiredState"));
    List<UnitOption> options = new ArrayList<>();
    JsonNode opts = field(root, "options");
    if (opts != null && opts.isArray()) {
      for (JsonNode o : opts) {
        options.add(UnitOption.of(text(field(o, "section")), text(field(o, "name")), text(field(o, "value"))));
      }
    }
    Cluster.UnitRecord existing = cluster.units.get(name);
    if (existing != null && existing.poisoned) {
      return error(500, "");
    }
    if (existing == null || (!options.isEmpty() && !UnitFiles.hash(options).equals(existing.hash))) {
      if (existing == null && options.isEmpty()) {
        return error(409, "unit does not exist and options field empty");
      }
      String problem = UnitFiles.hasLongLine(options)
          ? "line too long (max 2048 bytes)"
          : Requirements.of(name, options).problem();
      if (problem != null) {
        return error(400, problem);
      }
      String target = desired.isEmpty() ? "inactive" : desired;
      if (!STATES.contains(target)) {
        // fleet fails to store the job and answers with an empty 500 (observed live).
        return error(500, "");
      }
      List<UnitOption> stored;
      try {
        stored = UnitFiles.reparse(options);
      } catch (IllegalArgumentException e) {
        return error(400, e.getMessage());
      }
      // fleet hashes what it was sent (the stored text), so an instance keeps its template's hash
      cluster.submit(name, stored, UnitFiles.hash(options), target, now);
      return new Response(201, null);
    }
    if (desired.isEmpty()) {
      return error(409, "must provide DesiredState to update existing unit");
    }
    if (name.contains("@.") && !desired.equals("inactive")) {
      return error(400, "cannot activate template " + goQuote(name));
    }
    if (!STATES.contains(desired)) {
      // Not validated by fleet: the unit's target state becomes garbage and the unit unreadable.
      cluster.poison(existing);
      return new Response(204, null);
    }
    if (!desired.equals(existing.desired)) {
      cluster.setDesired(existing, desired, now);
    }
    return new Response(204, null);
  }

  private Response listUnits(Map<String, List<String>> query) {
    List<ObjectNode> all = new ArrayList<>();
    for (Cluster.UnitRecord r : cluster.units.values()) {
      if (!r.poisoned) {
        // In lists fleet reports global units as currentState "inactive".
        all.add(unitJson(r, r.requirements.global ? "inactive" : cluster.currentState(r)));
      }
    }
    return page(query, all, "units");
  }


  private Response listStates(Map<String, List<String>> query) {
    String machine = first(query, "machineID");
    String unitName = first(query, "unitName");
    List<ObjectNode> all = new ArrayList<>();
    for (String name : cluster.stateNames()) {
      if (!unitName.isEmpty() && !name.equals(unitName)) {
        continue;
      }
      for (UnitState s : cluster.visibleStates(name).values()) {
        if (machine.isEmpty() || s.machineId().equals(machine)) {
          all.add(stateJson(s));
        }
      }
    }
    return page(query, all, "states");
  }

  private Response listMachines(Map<String, List<String>> query) {
    List<ObjectNode> all = new ArrayList<>();
    for (Machine m : cluster.machines.values()) {
      ObjectNode n = json.createObjectNode();
      n.put("id", m.id());
      Map<String, String> md = cluster.effectiveMetadata(m);
      if (!md.isEmpty()) {
        ObjectNode mdn = n.putObject("metadata");
        md.forEach(mdn::put);
      }
      if (!m.primaryIp().isEmpty()) {
        n.put("primaryIP", m.primaryIp());
      }
      all.add(n);
    }
    return page(query, all, "machines");
  }

  private Response patchMachines(byte[] body, Instant now) {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (IOException e) {
      return error(400, "unable to decode body: unexpected EOF");
    }
    if (root == null || !root.isArray()) {
      return error(400, "json: cannot unmarshal object into Go value of type []api.machineMetadataOp");
    }
    for (JsonNode op : root) {
      JsonNode v = field(op, "value");
      if (v != null && !v.isObject() && !v.isNull()) {
        return error(400, "json: cannot unmarshal string into Go struct field machineMetadataOp.Value of type struct { Value string \"json:\\\"value\\\"\" }");
      }
    }
    for (JsonNode op : root) {
      String kind = text(field(op, "op"));
      if (!Set.of("add", "remove", "replace").contains(kind)) {
        return error(400, "invalid op: expect add, remove, or replace");
      }
      if (!METADATA_PATH.matcher(text(field(op, "path"))).matches()) {
        return error(400, "machine metadata path invalid");
      }
      JsonNode v = field(op, "value");
      if (!kind.equals("remove") && text(v == null ? null : field(v, "value")).isEmpty()) {
        return error(400, "invalid value: add and replace require a value");
      }
    }
    for (JsonNode op : root) {
      var m = METADATA_PATH.matcher(text(field(op, "path")));
      if (!m.matches()) {
        continue;
      }
      Map<String, String> overlay = cluster.metadataOverlay.computeIfAbsent(m.group(1), k -> new TreeMap<>());
      if (text(field(op, "op")).equals("remove")) {
        // fleet stores an empty tombstone so that a key coming from fleet.conf stays hidden
        overlay.put(m.group(2), "");
      } else {
        overlay.put(m.group(2), text(field(field(op, "value"), "value")));
      }
    }
    cluster.placePending(now); // units waiting for metadata may fit now
    Response r = new Response(204, null);
    r.jsonHeaderWithoutBody = true;
    return r;
  }


  private Response page(Map<String, List<String>> query, List<ObjectNode> all, String key) {
    List<String> tokens = query.getOrDefault("nextPageToken", List.of());
    int page = 1;
    if (tokens.size() > 1) {
      return error(400, "too many values for page token");
    }
    if (tokens.size() == 1 && !tokens.get(0).isEmpty()) {
      String tok = tokens.get(0);
      int bad = badBase64Index(tok);
      if (bad >= 0) {
        return error(400, "illegal base64 data at input byte " + bad);
      }
      byte[] raw = Base64.getUrlDecoder().decode(tok);
      if (raw.length != 4) {
        return error(400, "illegal base64 data at input byte " + tok.length());
      }
      int limit = (raw[0] & 0xff) | (raw[1] & 0xff) << 8;
      page = (raw[2] & 0xff) | (raw[3] & 0xff) << 8;
      if (limit != pageSize) {
        return error(400, "token limit must be " + pageSize);
      }
      if (page == 0) {
        return error(400, "token page must be greater than zero");
      }
    }
    long from = (long) (page - 1) * pageSize;
    ObjectNode out = json.createObjectNode();
    if (from < all.size()) {
      List<ObjectNode> items = all.subList((int) from, (int) Math.min(all.size(), from + pageSize));
      // fleet emits a token whenever a page is full, so the last page may well be {}
      if (items.size() == pageSize) {
        out.put("nextPageToken", token(pageSize, page + 1));
      }
      ArrayNode arr = out.putArray(key);
      items.forEach(arr::add);
    }
    return ok(out);
  }

  // ---------------------------------------------------------------- JSON helpers

  private ObjectNode unitJson(Cluster.UnitRecord r, @Nullable String current) {
    // Key order as fleet's Go structs serialise them: alphabetical, empty fields omitted.
    ObjectNode n = json.createObjectNode();
    if (current != null) {
      n.put("currentState", current);
    }
    n.put("desiredState", r.desired);
    String machineId = r.machineId();
    if (machineId != null) {
      n.put("machineID", machineId);
    }
    n.put("name", r.name);
    ArrayNode opts = n.putArray("options");
    for (UnitOption o : r.options) {
      ObjectNode on = opts.addObject();
      if (!o.name().isEmpty()) {
        on.put("name", o.name());
      }
      if (!o.section().isEmpty()) {
        on.put("section", o.section());
      }
      if (!o.value().isEmpty()) {
        on.put("value", o.value());
      }
    }
    return n;
  }

  private ObjectNode stateJson(UnitState s) {
    ObjectNode n = json.createObjectNode();
    n.put("hash", s.hash());
    n.put("machineID", s.machineId());
    n.put("name", s.name());
    n.put("systemdActiveState", s.activeState());
    n.put("systemdLoadState", s.loadState());
    n.put("systemdSubState", s.subState());
    return n;
  }

  private Response ok(JsonNode node) {
    try {
      return new Response(200, json.writeValueAsBytes(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a tree", e);
    }
  }

  private Response error(int code, String message) {
    ObjectNode n = json.createObjectNode();
    ObjectNode e = n.putObject("error");
    e.put("code", code);
    e.put("message", message);
    Response r = ok(n);
    return new Response(code, r.body);
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  // ---------------------------------------------------------------- types

  private static final Response DROP = new Response(0, null);

  private static final class Response {
    final int status;
    final byte @Nullable [] body;
    boolean serverHeader = true;
    boolean jsonHeaderWithoutBody;

    Response(int status, byte @Nullable [] body) {
      this.status = status;
      this.body = body;
    }

    Response withoutServerHeader() {
      // fleet's 503 answers bypass the middleware that adds "Server: fleetd/..."
      serverHeader = false;
      return this;
    }
  }


  /**
   * One recorded HTTP request.
   *
   * @param method the HTTP method
   * @param path the decoded path, for example {@code /fleet/v1/units/a@1.service}
   * @param query the raw query string, empty if none
   * @param body the request body as UTF-8 text, empty if none
   * @since 0.1
   */
  public record Request(String method, String path, String query, String body) {
    /**
     * Validates the components.
     *
     * @param method the HTTP method
     * @param path the decoded path, for example {@code /fleet/v1/units/a@1.service}
     * @param query the raw query string, empty if none
     * @param body the request body as UTF-8 text, empty if none
     */
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(query, "query");
      Objects.requireNonNull(body, "body");
    }
  }

  /**
   * A unit as the fake stores it.
   *
   * @param name the full name
   * @param options the options as fleet re-parsed them
   * @param desiredState {@code inactive}, {@code loaded} or {@code launched}
   * @param currentState derived state; null for global units
   * @param machineId the machine it is scheduled on; null if unscheduled or global
   * @since 0.1
   */
  public record Unit(
      String name,
      List<UnitOption> options,
      String desiredState,
      @Nullable String currentState,
      @Nullable String machineId) {
    /**
     * Validates and copies the components.
     *
     * @param name the full name
     * @param options the options as fleet re-parsed them
     * @param desiredState {@code inactive}, {@code loaded} or {@code launched}
     * @param currentState derived state; null for global units
     * @param machineId the machine it is scheduled on; null if unscheduled or global
     */
    public Unit {
      Objects.requireNonNull(name, "name");
      options = List.copyOf(options);
      Objects.requireNonNull(desiredState, "desiredState");
    }
  }

  /**
   * One entry of {@code /state}: a unit as systemd reports it on one machine.
   *
   * @param name the unit name
   * @param hash SHA-1 of the unit file
   * @param machineId the machine
   * @param loadState systemd's load state, for example {@code loaded}
   * @param activeState systemd's active state, for example {@code active} or {@code failed}
   * @param subState systemd's sub-state, for example {@code running}
   * @since 0.1
   */
  public record UnitState(
      String name, String hash, String machineId, String loadState, String activeState, String subState) {
    /**
     * Validates the components.
     *
     * @param name the unit name
     * @param hash SHA-1 of the unit file
     * @param machineId the machine
     * @param loadState systemd's load state, for example {@code loaded}
     * @param activeState systemd's active state, for example {@code active} or {@code failed}
     * @param subState systemd's sub-state, for example {@code running}
     */
    public UnitState {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(hash, "hash");
      Objects.requireNonNull(machineId, "machineId");
      Objects.requireNonNull(loadState, "loadState");
      Objects.requireNonNull(activeState, "activeState");
      Objects.requireNonNull(subState, "subState");
    }
  }

  /**
   * A machine of the fake cluster.
   *
   * @param id its machine id
   * @param primaryIp its public IP; may be empty
   * @param metadata its metadata as configured
   * @since 0.1
   */
  public record Machine(String id, String primaryIp, Map<String, String> metadata) {
    /**
     * Validates and copies the components.
     *
     * @param id its machine id
     * @param primaryIp its public IP; may be empty
     * @param metadata its metadata as configured
     */
    public Machine {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(primaryIp, "primaryIp");
      metadata = Map.copyOf(metadata);
    }
  }


  /**
   * Configures a {@link FakeFleetServer} before it starts. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private int pageSize = 100;
    private int port;
    private String host = "127.0.0.1";
    private FakeFleetProfile profile = FakeFleetProfile.instant();
    private @Nullable Duration startDelay;
    private Clock clock = Clock.systemUTC();
    private long seed = 1;
    private @Nullable ScheduledExecutorService scheduler;
    private final List<Cluster.FailMark> failMarks = new ArrayList<>();
    private final List<Machine> machines = new ArrayList<>();
    private boolean defaultMachine = true;
    private Consumer<Request> onRequest = r -> { };

    private Builder() {}

    /**
     * Sets an observer told of every request the moment it has been read, before it is answered
     * (default: none). It runs on the server's HTTP threads, several at once, so it must be
     * thread-safe and quick; if it throws, that request's connection is closed unanswered. Meant for a test that
     * waits for a request, or times one, without polling {@link FakeFleetServer#requests()}.
     *
     * @param observer called once per request
     * @return this builder
     */
    public Builder onRequest(Consumer<Request> observer) {
      this.onRequest = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /**
     * Sets the TCP port to listen on (default 0: a free port chosen by the system).
     *
     * @param port 0 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 0xffff) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Sets the address to listen on (default {@code 127.0.0.1}). Like fleetd's API, the fake has
     * no authentication: keep it on loopback unless the network is yours.
     *
     * @param host an IP address or host name
     * @return this builder
     */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * Sets the timing profile (default {@link FakeFleetProfile#instant()}).
     *
     * @param profile the profile
     * @return this builder
     */
    public Builder profile(FakeFleetProfile profile) {
      this.profile = Objects.requireNonNull(profile, "profile");
      return this;
    }

    /**
     * Sets the clock the cluster's time runs on (default the system clock): a test's manual clock
     * moves it without sleeping, a faster clock compresses the profile's timings.
     *
     * @param clock the clock; only its {@code instant()} is read
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the seed of the random durations the realistic profile draws within its ranges
     * (default 1), so that a run on a manual clock repeats exactly.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Holds the late answers of {@link MutationFault#HANG_THEN_APPLY} and {@link
     * MutationFault#APPLY_THEN_HANG} on this scheduler instead of the server's own real-time one.
     * The server never shuts it down.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets fleetd's {@code token_limit} (default 100).
     *
     * @param size 1 to 65535
     * @return this builder
     */
    public Builder pageSize(int size) {
      if (size < 1 || size > 0xffff) {
        throw new IllegalArgumentException("page size out of range: " + size);
      }
      this.pageSize = size;
      return this;
    }

    /**
     * Sets the simulated systemd start time, how long a started unit stays {@code
     * activating/start} (default: the profile's, zero for instant, 3 s for realistic).
     *
     * @param delay zero or positive
     * @return this builder
     */
    public Builder startDelay(Duration delay) {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("negative delay: " + delay);
      }
      this.startDelay = delay;
      return this;
    }

    /**
     * Makes units whose name matches the glob fail by themselves {@code after} their start
     * finished (see {@link FakeFleetServer#failAfterStart}).
     *
     * @param unitNameGlob the unit names, for example {@code web@*.service}
     * @param after zero or positive
     * @return this builder
     */
    public Builder failAfterStart(String unitNameGlob, Duration after) {
      failMarks.add(new Cluster.FailMark(unitNameGlob, after));
      return this;
    }

    /**
     * Adds a machine; the first call replaces the default machine.
     *
     * @param id machine id
     * @param primaryIp its IP
     * @param metadata its metadata
     * @return this builder
     */
    public Builder machine(String id, String primaryIp, Map<String, String> metadata) {
      if (defaultMachine) {
        machines.clear();
        defaultMachine = false;
      }
      machines.add(new Machine(id, primaryIp, metadata));
      return this;
    }

    /**
     * Starts a cluster without any machine: launched units stay unscheduled.
     *
     * @return this builder
     */
    public Builder noMachines() {
      machines.clear();
      defaultMachine = false;
      return this;
    }

    /**
     * Starts the server.
     *
     * @return the running server
     * @throws UncheckedIOException if the address cannot be resolved or the port cannot be bound
     */
    public FakeFleetServer start() {
      if (defaultMachine && machines.isEmpty()) {
        machines.add(new Machine(DEFAULT_MACHINE_ID, "127.0.0.1", Map.of()));
      }
      try {
        return new FakeFleetServer(this, InetAddress.getByName(host));
      } catch (UnknownHostException e) {
        throw new UncheckedIOException("cannot resolve " + host, e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the fake fleet server on " + host + ":" + port + ": " + e.getMessage(), e);
      }
    }
  }
}
