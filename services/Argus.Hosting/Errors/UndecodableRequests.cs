using System.Reflection;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Argus.Hosting.Errors;

/// <summary>
/// Binds each gRPC service's methods as grpc-dotnet's own binder does, with one difference: a
/// request message that does not decode (random bytes, invalid UTF-8, a length past the end,
/// nesting past the recursion limit) fails with InvalidArgument and a short reason. grpc-dotnet
/// decodes before any interceptor runs, and on its own answers such a request Unknown ("Exception
/// was thrown by handler") and logs the stack trace — at the caller's will, without a token, on
/// health included. Here the decoder itself throws the gRPC status.
/// </summary>
public static class UndecodableRequests
{
    /// <summary>Replaces grpc-dotnet's binder (an internal type, found by name: if a new version renames it, startup says so).</summary>
    public static void BindWithDecodingErrors(IServiceCollection services)
    {
        var binders = services.Where(d => d.ServiceType == typeof(IServiceMethodProvider<>)
            && d.ImplementationType is { Name: "BinderServiceMethodProvider`1" }).ToList();
        if (binders.Count != 1)
        {
            throw new InvalidOperationException(
                "grpc-dotnet's BinderServiceMethodProvider was not found to replace: check UndecodableRequests against this Grpc.AspNetCore version.");
        }

        services.Remove(binders[0]);
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(DecodingServiceMethodProvider<>));
    }

    /// <summary>The request's own marshaller, whose decoder fails with InvalidArgument.</summary>
    internal static Method<TRequest, TResponse> WithDecodingErrors<TRequest, TResponse>(Method<TRequest, TResponse> method, CallerMistakeLog log)
    {
        var decode = method.RequestMarshaller.ContextualDeserializer;
        var marshaller = new Marshaller<TRequest>(method.RequestMarshaller.ContextualSerializer, context =>
        {
            try
            {
                return decode(context);
            }
            catch (Exception ex) when (ex is InvalidProtocolBufferException or ArgumentException or InvalidOperationException)
            {
                // ArgumentException covers DecoderFallbackException: a string field that is not UTF-8.
                var reason = ex is System.Text.DecoderFallbackException
                    ? "a string field is not valid UTF-8."
                    : BoundedText.Shorten(ex.Message, 160);
                log.Refused(method.FullName, reason);
                throw new RpcException(new Status(StatusCode.InvalidArgument,
                    $"The request does not decode as the protobuf message {method.Name} takes: {reason}"));
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
    }
}

/// <summary>Finds a service's generated BindService method, as grpc-dotnet does, and binds through <see cref="DecodingBinder{TService}"/>.</summary>
internal sealed class DecodingServiceMethodProvider<TService>(CallerMistakeLog log) : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is not { } attribute)
            {
                continue;
            }

            var bind = attribute.BindType.GetMethod(attribute.BindMethodName, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static,
                [typeof(ServiceBinderBase), type])
                ?? throw new InvalidOperationException($"{attribute.BindType}.{attribute.BindMethodName} was not found for {typeof(TService)}.");
            bind.Invoke(null, [new DecodingBinder<TService>(context, type, log), null]);
            return;
        }
    }
}

/// <summary>Adds each method of the generated service with a decoding-error marshaller, the implementation's handler and its attributes as endpoint metadata.</summary>
internal sealed class DecodingBinder<TService>(ServiceMethodProviderContext<TService> context, Type declaringType, CallerMistakeLog log) : ServiceBinderBase
    where TService : class
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
    {
        var (invoker, metadata) = Handler<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext));
        context.AddUnaryMethod(UndecodableRequests.WithDecodingErrors(method, log), metadata, invoker);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var (invoker, metadata) = Handler<ServerStreamingServerMethod<TService, TRequest, TResponse>>(
            method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
        context.AddServerStreamingMethod(UndecodableRequests.WithDecodingErrors(method, log), metadata, invoker);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var (invoker, metadata) = Handler<ClientStreamingServerMethod<TService, TRequest, TResponse>>(
            method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
        context.AddClientStreamingMethod(UndecodableRequests.WithDecodingErrors(method, log), metadata, invoker);
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var (invoker, metadata) = Handler<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(
            method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
        context.AddDuplexStreamingMethod(UndecodableRequests.WithDecodingErrors(method, log), metadata, invoker);
    }

    private (TDelegate Invoker, List<object> Metadata) Handler<TDelegate>(string name, params Type[] parameters)
        where TDelegate : Delegate
    {
        var implementation = Implementation(name, parameters)
            ?? throw new InvalidOperationException($"{typeof(TService)} has no {name} overriding {declaringType}.{name}.");
        // The service's attributes first, the method's last: the method's win ([Authorize], [OpenToPartners], [AllowAnonymous]).
        var metadata = new List<object>();
        metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
        metadata.AddRange(implementation.GetCustomAttributes(inherit: true));
        metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
        return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), implementation), metadata);
    }

    // The most derived public override of the generated base's virtual method (the base's own,
    // which answers Unimplemented, when the service does not implement it).
    private MethodInfo? Implementation(string name, Type[] parameters)
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            var candidate = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, binder: null, parameters, modifiers: null);
            if (candidate is null)
            {
                return null;
            }

            if (candidate.IsVirtual && candidate.GetBaseDefinition().DeclaringType == declaringType)
            {
                return candidate;
            }
        }

        return null;
    }
}
