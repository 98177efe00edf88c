using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Vault.Tests.Observability;

/// <summary>
/// What the vault's console logger prints, without the console: every entry goes through the formatter the vault's
/// <see cref="ConsoleLoggerOptions.FormatterName"/> names, with the vault's options, into a buffer of this vault only.
/// Redirecting <c>Console.Out</c> instead would swap a process-wide writer under every test running in parallel.
/// </summary>
public sealed class ConsoleFormatCapture(IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters) : ILoggerProvider, ISupportExternalScope
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();
    private IExternalScopeProvider? _scopes;

    public ConsoleFormatter Formatter { get; } = formatters.Single(f => f.Name == options.CurrentValue.FormatterName);

    public string Text
    {
        get
        {
            lock (_gate)
                return _text.ToString();
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(ConsoleFormatCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using var line = new StringWriter();
            owner.Formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), owner._scopes, line);
            lock (owner._gate)
                owner._text.Append(line);
        }
    }
}
