package io.cairn.mount.fuse;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.size_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.FuseException;
import ru.serce.jnrfuse.struct.FuseBuf;
import ru.serce.jnrfuse.struct.FuseOperations;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * libfuse's request loop, run on Java threads instead of libfuse's own.
 *
 * <p>Why: a callback from a native thread that is not attached to the JVM makes jffi attach it for
 * that one call and detach it afterwards (it keeps a thread attached only after its thousandth
 * call). libfuse 2.9's multithreaded loop calls from its own native threads, so every FUSE call
 * (a lookup, a getattr, a write) started and ended one JVM thread. Here the loop itself runs on
 * threads the JVM started, which call into libfuse to read a request from {@code /dev/fuse} and
 * process it: the callbacks then arrive on a thread that is attached already, and no JVM thread is
 * started per call.
 *
 * <p>It is libfuse's multithreaded loop otherwise (the same calls {@code fuse_loop_mt} makes): a
 * new worker starts when the last idle one takes a request, a worker that finds more than
 * {@link #MAX_IDLE} others idle ends, so a slow call (a flush waiting for its uploads) holds up only
 * its own caller. Unlike libfuse the number of workers is capped ({@link #MAX_WORKERS}): past it,
 * callers queue in the kernel until a worker is free. With {@code -s} in the options it runs one
 * worker. Mounting and unmounting are libfuse's ({@code fuse_setup}/{@code fuse_teardown}, which
 * {@code fuse_main} uses too).
 */
public final class FuseLoop {
    private static final Logger LOG = LoggerFactory.getLogger(FuseLoop.class);
    /** Idle workers kept, as in libfuse 2.9. */
    static final int MAX_IDLE = 10;
    static final int MAX_WORKERS = 64;
    private static final int EINTR = 4;
    private static final int FUSE_BUF_BYTES = 64; // struct fuse_buf is 40 bytes on 64-bit Linux
    /** How long the end of the loop waits for workers still inside a call (each call has its own, shorter deadline). */
    private static final long DRAIN_SECONDS = 120;

    /** The libfuse 2.9 functions the loop needs (jnr-fuse binds only {@code fuse_main_real}). */
    public interface Lib {
        Pointer fuse_setup(int argc, String[] argv, FuseOperations op, @size_t long opSize,
                           PointerByReference mountpoint, IntByReference multithreaded, Pointer userData);

        void fuse_teardown(Pointer fuse, Pointer mountpoint);

        Pointer fuse_get_session(Pointer fuse);

        Pointer fuse_session_next_chan(Pointer session, Pointer chan);

        @size_t long fuse_chan_bufsize(Pointer chan);

        int fuse_session_receive_buf(Pointer session, Pointer buf, Pointer chanRef);

        void fuse_session_process_buf(Pointer session, Pointer buf, Pointer chan);

        int fuse_session_exited(Pointer session);

        /** Whether the request the calling worker is serving was interrupted (its caller got a signal). */
        int fuse_interrupted();

        /** Drops the kernel's cached attributes and pages of node {@code ino} (the kernel's node id, not Cairn's inode). */
        int fuse_lowlevel_notify_inval_inode(Pointer chan, long ino, long off, long len);
    }

    /** The kernel node the calling worker's request is about (0 when not known), set before each request. */
    private static final ThreadLocal<long[]> NODE = ThreadLocal.withInitial(() -> new long[1]);
    private static final int FUSE_BUF_IS_FD = 1 << 1;
    private static final int HEADER_NODEID = 16; // struct fuse_in_header: len, opcode, unique, nodeid, ...

    private final Lib lib;
    private final Runtime runtime;
    private final Object lock = new Object();
    private int idle;
    private int running;
    private int started;
    private int peak;
    private boolean multithreaded;
    private Pointer session;
    private Pointer chan;
    private long bufSize;

    private FuseLoop(Lib lib) {
        this.lib = lib;
        this.runtime = Runtime.getRuntime(lib);
    }

    public static FuseLoop load() {
        return new FuseLoop(LibraryLoader.create(Lib.class).failImmediately().load("libfuse.so.2"));
    }

    /**
     * Mounts {@code fs} on {@code mountPoint} with {@code args} (libfuse's options) and serves it
     * until it is unmounted; throws {@link FuseException} when libfuse cannot mount.
     */
    public void run(CairnFs fs, Path mountPoint, boolean debug, String[] args) {
        List<String> argv = new ArrayList<>(List.of("cairn", "-f"));
        if (debug) {
            argv.add("-d");
        }
        argv.add(mountPoint.toAbsolutePath().toString());
        argv.addAll(List.of(args));
        FuseOperations ops = fs.operations();
        fs.kernel(kernel());
        PointerByReference mountpointRef = new PointerByReference();
        IntByReference mt = new IntByReference();
        Pointer fuse = lib.fuse_setup(argv.size(), argv.toArray(new String[0]), ops, Struct.size(ops), mountpointRef,
                mt, null);
        if (fuse == null) {
            throw new FuseException("Unable to mount FS");
        }
        fs.markMounted(true);
        boolean drained = true;
        try {
            synchronized (lock) {
                multithreaded = mt.intValue() != 0;
                session = lib.fuse_get_session(fuse);
                chan = lib.fuse_session_next_chan(session, null);
                bufSize = lib.fuse_chan_bufsize(chan);
                running = 1;
                started = 1;
                peak = 1;
            }
            work(true); // this thread is the first worker, and stays until the end
            drained = drain();
        } finally {
            fs.markMounted(false);
            if (drained) {
                lib.fuse_teardown(fuse, mountpointRef.getValue());
            } else {
                LOG.warn("FUSE workers still busy {} s after the mount ended; leaving libfuse's state as it is",
                        DRAIN_SECONDS);
            }
        }
        LOG.debug("FUSE loop ended: {} workers started in all, at most {} at once", started(), peak());
    }

    /** Workers started since the mount (the first one included): a few, not one per call. */
    public int started() {
        synchronized (lock) {
            return started;
        }
    }

    int peak() {
        synchronized (lock) {
            return peak;
        }
    }

    private void work(boolean first) {
        Pointer bufMem = Memory.allocateDirect(runtime, FUSE_BUF_BYTES, true);
        Pointer data = Memory.allocateDirect(runtime, Math.toIntExact(bufSize), false);
        Pointer chanRef = Memory.allocateDirect(runtime, runtime.addressSize(), true);
        FuseBuf buf = FuseBuf.of(bufMem);
        long[] node = NODE.get();
        if (Struct.size(buf) > FUSE_BUF_BYTES) {
            throw new IllegalStateException("struct fuse_buf is larger than expected: " + Struct.size(buf));
        }
        try {
            while (lib.fuse_session_exited(session) == 0) {
                synchronized (lock) {
                    if (!first && idle >= MAX_IDLE) {
                        return; // enough others are waiting for requests
                    }
                    idle++;
                }
                bufMem.setMemory(0, FUSE_BUF_BYTES, (byte) 0);
                buf.size.set(bufSize);
                buf.mem.set(data);
                chanRef.putPointer(0, chan);
                int res = lib.fuse_session_receive_buf(session, bufMem, chanRef);
                synchronized (lock) {
                    idle--;
                    if (res > 0 && idle == 0 && multithreaded && running < MAX_WORKERS) {
                        startWorker();
                    }
                }
                if (res == -EINTR) {
                    continue;
                }
                if (res <= 0) {
                    return; // unmounted (ENODEV) or the session was told to exit
                }
                boolean inMemory = (bufMem.getInt(8) & FUSE_BUF_IS_FD) == 0; // struct fuse_buf: size, flags, mem, ...
                node[0] = inMemory && res >= HEADER_NODEID + 8 ? data.getLong(HEADER_NODEID) : 0;
                lib.fuse_session_process_buf(session, bufMem, chanRef.getPointer(0));
                node[0] = 0;
            }
        } finally {
            synchronized (lock) {
                running--;
                lock.notifyAll();
            }
        }
    }

    /** What a callback may ask of the kernel and of libfuse about the request it serves. */
    private Kernel kernel() {
        return new Kernel() {
            @Override
            public boolean interrupted() {
                return lib.fuse_interrupted() != 0;
            }

            @Override
            public long node() {
                return NODE.get()[0];
            }

            @Override
            public void forget(long node) {
                Pointer c;
                synchronized (lock) {
                    c = chan;
                }
                if (node != 0 && c != null) {
                    int r = lib.fuse_lowlevel_notify_inval_inode(c, node, 0, 0);
                    if (r != 0) {
                        LOG.debug("the kernel did not drop node {}'s cache: {}", node, r);
                    }
                }
            }
        };
    }

    private void startWorker() { // under lock
        running++;
        started++;
        peak = Math.max(peak, running);
        Thread t = new Thread(() -> work(false), "cairn-fuse-" + started);
        t.setDaemon(true);
        t.start();
    }

    /** Waits until every other worker has seen the end of the session (or the deadline passes). */
    private boolean drain() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
        synchronized (lock) {
            while (running > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }
}
