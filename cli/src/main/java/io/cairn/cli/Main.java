package io.cairn.cli;

import picocli.CommandLine;

/** The {@code cairn} launcher: one program, a subcommand per role and per client operation. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Local.useProcessStdout(); // bytes to stdout go to descriptor 1 itself, so a full disk or a closed pipe is seen
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cl = new CommandLine(new CairnCommand());
        cl.setExecutionExceptionHandler(new Failures());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.registerConverter(java.time.Duration.class, io.cairn.common.units.Units::parseDuration);
        int code = cl.execute(args);
        System.out.flush();
        if (code == 0 && System.out.checkError()) { // text the PrintStream could not write (ls > /dev/full)
            System.err.println("cairn: standard output: write error");
            return Failures.FAILED;
        }
        return code;
    }
}
