package io.cairn.cli;

import picocli.CommandLine.Command;

@Command(name = "cairn", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Cairn: a distributed file system you mount as an ordinary Linux directory.",
        subcommands = {
            MasterCommand.class, DatanodeCommand.class, MountCommand.class,
            PutCommand.class, GetCommand.class, CatCommand.class, LsCommand.class, StatCommand.class,
            MkdirCommand.class, MvCommand.class, RmCommand.class, NodesCommand.class, EventsCommand.class,
            FsckCommand.class, DecommissionCommand.class, AdminCommand.class, DemoCommand.class,
            io.cairn.cli.bench.BenchCommand.class,
        },
        footer = {"", "Client commands find the master with --master URL, else $CAIRN_MASTER, else http://127.0.0.1:5000.",
            "Exit status: 0 success, 1 the operation failed, 2 bad usage or the master cannot be reached."})
final class CairnCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a subcommand (cairn --help lists them)");
    }
}
