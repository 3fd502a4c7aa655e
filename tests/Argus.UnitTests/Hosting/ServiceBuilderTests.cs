using Argus.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Argus.UnitTests.Hosting;

public sealed class ServiceBuilderTests
{
    [Fact]
    public void A_service_reads_its_settings_files_once_and_does_not_watch_its_folder()
    {
        var folder = Directory.CreateTempSubdirectory("argus-builder-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "appsettings.json"), """{ "Argus": { "Probe": "read" } }""");

            var builder = ArgusServiceDefaults.CreateBuilder([], folder);

            var files = ((IConfigurationRoot)builder.Configuration).Providers.OfType<JsonConfigurationProvider>().ToList();
            Assert.NotEmpty(files);
            Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, $"{file.Source.Path} is watched for changes"));
            Assert.Equal("read", builder.Configuration["Argus:Probe"]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_caller_can_still_ask_for_settings_that_reload()
    {
        var folder = Directory.CreateTempSubdirectory("argus-builder-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "appsettings.json"), "{}");

            var builder = ArgusServiceDefaults.CreateBuilder(["--hostBuilder:reloadConfigOnChange=true"], folder);

            Assert.Contains(((IConfigurationRoot)builder.Configuration).Providers.OfType<JsonConfigurationProvider>(), file => file.Source.ReloadOnChange);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
