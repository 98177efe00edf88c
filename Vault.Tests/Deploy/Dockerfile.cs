using System.Text.Json;

namespace Vault.Tests.Deploy;

/// <summary>
/// A deliberately small Dockerfile reader: comments, backslash continuations, stages (FROM … AS name), and the
/// instruction forms this repository uses (ENV/ARG key=value pairs, EXPOSE, VOLUME, ENTRYPOINT in JSON form).
/// Anything it does not understand throws, so a form it cannot read is never silently passed over.
/// </summary>
public sealed class Dockerfile
{
    public sealed record Instruction(string Keyword, string Arguments);

    public sealed record Stage(string Image, string? Name, IReadOnlyList<Instruction> Instructions)
    {
        public IEnumerable<string> All(string keyword) =>
            Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

        /// <summary>ENV (or ARG) key=value pairs of this stage, later ones winning as in Docker.</summary>
        public IReadOnlyDictionary<string, string> Pairs(string keyword)
        {
            var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var arguments in All(keyword))
            {
                foreach (var word in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var equals = word.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0 || word.Contains('"', StringComparison.Ordinal) || word.Contains('\'', StringComparison.Ordinal))
                        throw new FormatException($"{keyword} {arguments}: only unquoted key=value pairs are read here");
                    pairs[word[..equals]] = word[(equals + 1)..];
                }
            }
            return pairs;
        }

        /// <summary>VOLUME paths, in either the JSON-array or the plain form.</summary>
        public IEnumerable<string> Volumes() => All("VOLUME").SelectMany(arguments => arguments.StartsWith('[')
            ? JsonSerializer.Deserialize<string[]>(arguments)!
            : arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        /// <summary>EXPOSEd TCP ports ("8080" or "8080/tcp").</summary>
        public IEnumerable<int> ExposedPorts() => All("EXPOSE")
            .SelectMany(arguments => arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(port => port.EndsWith("/tcp", StringComparison.Ordinal) ? port[..^4] : port)
            .Select(port => int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>The ENTRYPOINT in exec (JSON) form; the shell form would not forward signals, so it is refused.</summary>
        public string[] Entrypoint()
        {
            var arguments = All("ENTRYPOINT").Last();
            if (!arguments.StartsWith('['))
                throw new FormatException("ENTRYPOINT must use the exec (JSON) form so the process gets signals directly");
            return JsonSerializer.Deserialize<string[]>(arguments)!;
        }
    }

    private Dockerfile(IReadOnlyList<Stage> stages) => Stages = stages;

    public IReadOnlyList<Stage> Stages { get; }

    /// <summary>The stage that becomes the image.</summary>
    public Stage Final => Stages[^1];

    public static Dockerfile Parse(string text)
    {
        var stages = new List<Stage>();
        List<Instruction>? current = null;
        foreach (var instruction in Instructions(text))
        {
            if (instruction.Keyword == "FROM")
            {
                var words = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var named = words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase);
                if (words.Length != 1 && !named)
                    throw new FormatException($"FROM {instruction.Arguments}: expected 'image' or 'image AS name'");
                current = [];
                stages.Add(new Stage(words[0], named ? words[2] : null, current));
            }
            else if (current is null)
            {
                if (instruction.Keyword != "ARG")
                    throw new FormatException($"{instruction.Keyword} before the first FROM");
            }
            else
            {
                current.Add(instruction);
            }
        }
        if (stages.Count == 0)
            throw new FormatException("no FROM");
        return new Dockerfile(stages);
    }

    private static IEnumerable<Instruction> Instructions(string text)
    {
        var logical = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#'))
                continue;
            if (line.EndsWith('\\'))
            {
                logical += line[..^1] + " ";
                continue;
            }
            logical += line;
            if (logical.Trim() is { Length: > 0 } complete)
            {
                var space = complete.IndexOf(' ', StringComparison.Ordinal);
                if (space < 0)
                    throw new FormatException($"instruction without arguments: {complete}");
                yield return new Instruction(complete[..space].ToUpperInvariant(), complete[(space + 1)..].Trim());
            }
            logical = "";
        }
    }
}
