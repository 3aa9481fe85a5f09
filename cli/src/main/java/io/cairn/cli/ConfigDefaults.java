package io.cairn.cli;

import picocli.CommandLine;

import java.util.Map;

/**
 * Option defaults read from the configuration classes (MasterConfig, DatanodeConfig, MountSettings)
 * and written with {@code Units}, so that each default is written once and {@code --help} shows it.
 * Each command names its subclass as its {@code defaultValueProvider}.
 */
abstract class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    private final Map<String, String> byOption;

    /** @param byOption the default of each option, by its long name ("--port") */
    ConfigDefaults(Map<String, String> byOption) {
        this.byOption = Map.copyOf(byOption);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec arg) {
        return arg instanceof CommandLine.Model.OptionSpec o ? byOption.get(o.longestName()) : null;
    }
}
