package io.cairn.cli;

import io.cairn.common.client.Cluster;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** A subcommand that talks to a cluster: connects, runs, and always closes the connection. */
abstract class ClientCommand implements Callable<Integer>, Failures.HasMaster {
    @Mixin
    ClientOptions client;

    @Override
    public final Integer call() throws Exception {
        try (Cluster c = client.connect()) {
            return run(c);
        }
    }

    @Override
    public String masterUrl() {
        return client.masterUrl();
    }

    abstract int run(Cluster c) throws Exception;
}
