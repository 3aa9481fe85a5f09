package io.cairn.cli;

import io.cairn.master.MasterServer;
import picocli.CommandLine;

/** {@code cairn --version}. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"cairn " + MasterServer.VERSION};
    }
}
