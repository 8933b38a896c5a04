package org.daisyjava.scheduler.checkpoint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Test listener that remembers every callback and checks the ordering contract as it goes. */
class RecordingListener implements DurabilityListener {

    private final List<Long> durableCalls = new ArrayList<>();
    private final List<IOException> failures = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final CountDownLatch failed = new CountDownLatch(1);
    private final String callbackThreadPrefix = "checkpoint-writer";

    @Override
    public synchronized void durable(long upToSequence) {
        long last = durableCalls.isEmpty() ? 0 : durableCalls.get(durableCalls.size() - 1);
        if (upToSequence <= last) {
            violations.add("durable(" + upToSequence + ") after durable(" + last + ")");
        }
        if (!failures.isEmpty()) {
            violations.add("durable(" + upToSequence + ") after failed()");
        }
        if (!Thread.currentThread().getName().startsWith(callbackThreadPrefix)) {
            violations.add("durable called from " + Thread.currentThread().getName());
        }
        durableCalls.add(upToSequence);
        notifyAll();
    }

    @Override
    public synchronized void failed(IOException cause) {
        failures.add(cause);
        failed.countDown();
        notifyAll();
    }

    synchronized long lastDurable() {
        return durableCalls.isEmpty() ? 0 : durableCalls.get(durableCalls.size() - 1);
    }

    synchronized List<Long> durableCalls() {
        return new ArrayList<>(durableCalls);
    }

    synchronized List<IOException> failures() {
        return new ArrayList<>(failures);
    }

    synchronized List<String> violations() {
        return new ArrayList<>(violations);
    }

    /** Waits (without a deadline: the surrounding test's timeout applies) for durable(>= seq). */
    synchronized void awaitDurable(long sequence) throws InterruptedException {
        while (lastDurable() < sequence) {
            wait();
        }
    }

    void awaitFailure() throws InterruptedException {
        failed.await();
    }
}
