namespace Argus.UnitTests.Architecture;

/// <summary>Where the repository is, for tests that read its files.</summary>
internal static class Repository
{
    public static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Argus.Micro.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Argus.Micro.sln not found above the test folder.");
    }
}
