package io.cairn.common.client;

import io.cairn.common.security.Caller;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Thread pools whose tasks run as the {@link Caller} that handed them in, so that a transfer or
 * an allocation made on a pool thread still tells the master whom it is for.
 */
public final class CarriedPools {
    private CarriedPools() {
    }

    /** As {@link java.util.concurrent.Executors#newCachedThreadPool(ThreadFactory)}. */
    public static ExecutorService cached(ThreadFactory threads) {
        return new Carrying(0, Integer.MAX_VALUE, 60, new SynchronousQueue<>(), threads);
    }

    /** As {@link java.util.concurrent.Executors#newFixedThreadPool(int, ThreadFactory)}. */
    public static ExecutorService fixed(int n, ThreadFactory threads) {
        return new Carrying(n, n, 0, new LinkedBlockingQueue<>(), threads);
    }

    private static final class Carrying extends ThreadPoolExecutor {
        Carrying(int core, int most, long keepSeconds, java.util.concurrent.BlockingQueue<Runnable> queue,
                 ThreadFactory threads) {
            super(core, most, keepSeconds, TimeUnit.SECONDS, queue, threads);
        }

        @Override
        public void execute(Runnable task) {
            super.execute(Caller.carried(task)); // submit() and invokeAll() come here too
        }
    }
}
