import FTDConfig
import Foundation

/// Which API an account speaks, and what that changes in each request (SPEC section 8,
/// docs/azure.md): the header that carries the key, the query every request carries, and
/// where a chat completion goes. Everything else (the routes below the base URL, the
/// objects, retries and pacing) is the same, so one client serves all three.
public enum APISurface: Sendable, Equatable {
    /// OpenAI: `Authorization: Bearer KEY`, with `OpenAI-Organization`/`OpenAI-Project`.
    case openai
    /// Azure OpenAI's v1 surface, base `{endpoint}/openai/v1`: OpenAI's routes, the key in
    /// `api-key`, no `api-version` (the v1 surface takes it as optional).
    case azureV1
    /// Azure OpenAI's dated surface, base `{endpoint}/openai`: every request carries
    /// `api-version`, without which a resource answers 404 "Resource not found".
    case azureDated(apiVersion: String)

    public init(_ provider: AccountSettings.Provider) {
        switch provider {
        case .openai: self = .openai
        case .azure(_, let apiVersion?) where !apiVersion.isEmpty: self = .azureDated(apiVersion: apiVersion)
        case .azure: self = .azureV1
        }
    }

    public var isAzure: Bool { self != .openai }

    /// Put before each request's own query (`after`, `limit`): only the dated surface has one.
    public var query: [(name: String, value: String)] {
        if case .azureDated(let apiVersion) = self { return [(name: "api-version", value: apiVersion)] }
        return []
    }

    /// The headers that say who is asking. Azure takes a key only in `api-key`: a key sent
    /// as Bearer is read as a Microsoft Entra token and refused with 401, and OpenAI's
    /// organization and project headers mean nothing to a resource, so they are not sent.
    public func authorizationHeaders(apiKey: String, settings: APISettings) -> [(name: String, value: String)]
    {
        guard self == .openai else { return [(name: "api-key", value: apiKey)] }
        var headers = [(name: "Authorization", value: "Bearer \(apiKey)")]
        if let organization = settings.organization, !organization.isEmpty {
            headers.append((name: "OpenAI-Organization", value: organization))
        }
        if let project = settings.project, !project.isEmpty {
            headers.append((name: "OpenAI-Project", value: project))
        }
        return headers
    }

    /// Where a chat completion goes, and the `model` its body names (nil: none).
    ///
    /// A fine-tuned Azure model answers only through a deployment: the dated surface
    /// names it in the path (`/deployments/{name}/chat/completions`, `model` not sent), the
    /// v1 surface as `model`. Without a deployment, Azure is asked for a deployment named
    /// as the model. OpenAI ignores `deployment`: it serves models by name.
    public func chatCompletion(model: String, deployment: String?) -> (endpoint: APIEndpoint, model: String?)
    {
        switch self {
        case .openai:
            return (APIEndpoint(.post, ["chat", "completions"]), model)
        case .azureV1:
            return (APIEndpoint(.post, ["chat", "completions"]), deployment ?? model)
        case .azureDated:
            return (APIEndpoint(.post, ["deployments", deployment ?? model, "chat", "completions"]), nil)
        }
    }
}
