using Microsoft.Extensions.Options;

namespace LowLatency.Hosting;

/// <summary>
/// Validates one pipeline's bound options with the engine's own checks (one home for each rule) and names
/// the failing option by its configuration key, e.g. <c>LowLatency:Pipelines:quotes:Capacity</c>.
/// </summary>
internal sealed class OptionsValidator<TOptions>(string name, string section, string typeName, Action<TOptions> validate) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? optionsName, TOptions options)
    {
        if (optionsName != name)
        {
            return ValidateOptionsResult.Skip;
        }

        try
        {
            validate(options);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            // The engine names the option as "PipelineOptions.Capacity": turn that into the configuration key.
            string option = e.ParamName ?? typeName;
            string key = option.StartsWith(typeName + ".", StringComparison.Ordinal) ? $"{section}:{option[(typeName.Length + 1)..]}" : section;
            return ValidateOptionsResult.Fail($"{key}: {e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal)}");
        }
    }
}
