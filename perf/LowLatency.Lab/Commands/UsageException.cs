namespace LowLatency.Lab.Commands;

/// <summary>
/// A user error found before any work starts (an option, a path, a combination). The message names the
/// option; <see cref="Program"/> prints it as one line and exits <see cref="RunGuard.InvalidOptions"/>.
/// </summary>
internal sealed class UsageException(string message) : Exception(message);
