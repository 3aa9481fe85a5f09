package io.cairn.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * What threads are doing, for waiting on a real condition where nothing else shows it: a loop that
 * has ended, or a thread that is parked in a given method (waiting for a permit, for its next
 * turn). Frames are matched by class and method name, so a rename shows up as a test that times
 * out with the stack it saw.
 */
public final class Threads {
    private Threads() {
    }

    /** Live threads whose name is {@code name}. */
    public static List<Thread> named(String name) {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().equals(name)) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Whether {@code t} is waiting (parked, sleeping or blocked on a monitor) and the innermost frame
     * of class {@code type} on its stack is in {@code method}: "the writer is waiting inside
     * DirtyBudget.acquire", "the loop is sleeping in run, not inside pass".
     */
    public static boolean waitingIn(Thread t, Class<?> type, String method) {
        return waitingIn(t, type.getName(), method);
    }

    /** {@link #waitingIn(Thread, Class, String)} for a class named (binary name, {@code Outer$Inner}). */
    public static boolean waitingIn(Thread t, String className, String method) {
        if (!isWaiting(t)) {
            return false;
        }
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(className)) {
                return e.getMethodName().equals(method);
            }
        }
        return false;
    }

    /**
     * Whether {@code t} is waiting and some frame on its stack, however deep, is {@code type.method}:
     * "the loop is pausing somewhere under failed()".
     */
    public static boolean waitingUnder(Thread t, Class<?> type, String method) {
        if (!isWaiting(t)) {
            return false;
        }
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(type.getName()) && e.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWaiting(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED;
    }

    /** {@link #waitingIn} for the one live thread named {@code name}; false while there is none or several. */
    public static boolean waitingIn(String name, Class<?> type, String method) {
        List<Thread> ts = named(name);
        return ts.size() == 1 && waitingIn(ts.get(0), type, method);
    }

    /** A thread's state and stack, for a failure message. */
    public static String describe(Thread t) {
        StringBuilder b = new StringBuilder(t.getName()).append(' ').append(t.getState());
        for (StackTraceElement e : t.getStackTrace()) {
            b.append("\n\tat ").append(e);
        }
        return b.toString();
    }
}
