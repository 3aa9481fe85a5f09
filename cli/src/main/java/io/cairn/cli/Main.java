package io.cairn.cli;

import picocli.CommandLine;

/** The {@code cairn} launcher: one program, a subcommand per role and per client operation. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cl = new CommandLine(new CairnCommand());
        cl.setExecutionExceptionHandler(new Failures());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.registerConverter(java.time.Duration.class, io.cairn.common.units.Units::parseDuration);
        return cl.execute(args);
    }
}
