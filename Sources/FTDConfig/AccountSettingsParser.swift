import Foundation

/// Reads the `[[accounts]]` array (SPEC section 8). Errors name an account by its name
/// when it has a valid one (`accounts.research.request_timeout`), else by its index
/// (`accounts[1].name`), as `HookSettingsParser` names hooks.
enum AccountSettingsParser {
    static let keys =
        ["name", "provider", "base_url", "endpoint", "api_version"] + ConfigurationParser.sharedAPIKeys
    /// Azure's own key variable, so that an azure entry without `api_key_env` does not send
    /// an OpenAI key to Microsoft.
    static let azureKeyEnv = "AZURE_OPENAI_API_KEY"
    static let nameRule = "[a-z0-9][a-z0-9_-]{0,31}"

    static func accounts(_ node: ConfigNode) throws(ConfigurationError) -> [AccountSettings] {
        guard case .array(let elements) = node else {
            throw .invalid(
                "accounts", "expected an array of tables, written [[accounts]], got \(node.typeName)")
        }
        guard !elements.isEmpty else {
            throw .invalid("accounts", "expected at least one [[accounts]] entry")
        }
        var accounts: [AccountSettings] = []
        var indexByName: [String: Int] = [:]
        for (index, element) in elements.enumerated() {
            let account = try self.account(element, index: index)
            if let earlier = indexByName[account.name] {
                throw .invalid(
                    "accounts[\(index)].name",
                    "\"\(account.name)\" is already the name of accounts[\(earlier)]; names must be unique")
            }
            indexByName[account.name] = index
            accounts.append(account)
        }
        return accounts
    }

    static func account(_ node: ConfigNode, index: Int) throws(ConfigurationError) -> AccountSettings {
        guard case .table(let fields) = node else {
            throw .invalid("accounts[\(index)]", "expected a table, got \(node.typeName)")
        }
        let label = label(fields, index: index)
        let table = try ConfigTableReader(path: label, fields: fields, allowed: keys)
        guard let name = try table.string("name") else {
            throw .invalid("\(label).name", "missing: every account needs a unique name, like \"research\"")
        }
        // The name is a URL path segment (/webhooks/NAME), a metric label, a credential's
        // name and what `--account` takes: kept to characters that need no quoting anywhere.
        guard isValidName(name) else {
            throw .invalid(
                "\(label).name",
                "expected 1 to 32 lowercase letters, digits, '_' or '-', starting with a letter or digit (\(nameRule)), like \"research\" or \"azure-eu\""
            )
        }
        let provider = try self.provider(table, label: label)
        var account = AccountSettings(name: name, provider: provider, fromAPITable: false)
        switch provider {
        case .openai:
            for key in ["endpoint", "api_version"] where table.node(key) != nil {
                throw .invalid(
                    table.keyPath(key),
                    "only for provider = \"azure\"; an openai account sets base_url (default https://api.openai.com/v1)"
                )
            }
            account.api = try ConfigurationParser.apiSettings(table, defaults: APISettings())
        case .azure(let endpoint, let apiVersion):
            if table.node("base_url") != nil {
                throw .invalid(
                    table.keyPath("base_url"),
                    "not used by an azure account: ftd derives the API's URL from endpoint (the resource's URL, like https://my-resource.openai.azure.com)"
                )
            }
            var defaults = APISettings()
            defaults.baseURL = apiVersion == nil ? "\(endpoint)/openai/v1" : "\(endpoint)/openai"
            defaults.apiKeyEnv = azureKeyEnv
            account.api = try ConfigurationParser.apiSettings(table, defaults: defaults)
        }
        try ConfigurationParser.readWebhookSecret(table, into: &account)
        return account
    }

    /// `provider`, with azure's `endpoint` and `api_version`.
    static func provider(_ table: ConfigTableReader, label: String) throws(ConfigurationError)
        -> AccountSettings.Provider
    {
        switch try table.string("provider") ?? "openai" {
        case "openai":
            return .openai
        case "azure":
            guard var endpoint = try table.string("endpoint") else {
                throw .invalid(
                    "\(label).endpoint",
                    "required for provider = \"azure\": the resource's URL, like https://my-resource.openai.azure.com"
                )
            }
            try ConfigurationParser.validateBaseURL(
                endpoint, key: "\(label).endpoint", example: "https://my-resource.openai.azure.com")
            if let problem = endpointProblem(endpoint) { throw .invalid("\(label).endpoint", problem) }
            // "…azure.com/" as copied from the portal would otherwise make "…azure.com//openai".
            while endpoint.hasSuffix("/") { endpoint.removeLast() }
            let apiVersion = try table.string("api_version")
            if let apiVersion, !isValidAPIVersion(apiVersion) {
                throw .invalid(
                    "\(label).api_version",
                    "expected an Azure OpenAI API version, like \"2024-10-21\" or \"2025-04-01-preview\"")
            }
            return .azure(endpoint: endpoint, apiVersion: apiVersion)
        case let other:
            throw .invalid("\(label).provider", "expected \"openai\" or \"azure\", got \"\(other)\"")
        }
    }

    /// Why `endpoint` cannot be a resource's URL, nil when it can be. ftd appends
    /// `/openai/v1` (or `/openai` and `?api-version=`): a query or a fragment would swallow
    /// that path, and the base URL of Microsoft's samples (`…azure.com/openai/v1/`) would
    /// become `…/openai/v1/openai/v1`. Every request would answer 404 "Resource not found",
    /// which does not say that the configuration is at fault.
    static func endpointProblem(_ endpoint: String) -> String? {
        guard let components = URLComponents(string: endpoint) else { return nil }
        let example = "like https://my-resource.openai.azure.com"
        if components.query != nil || components.fragment != nil {
            return
                "expected the resource's URL without ?… or #…, \(example): ftd adds the path, and api_version sets the api-version"
        }
        if components.path.split(separator: "/").contains(where: { $0.lowercased() == "openai" }) {
            return
                "expected the resource's URL without /openai…, \(example): ftd adds /openai/v1 (or /openai with api_version) itself"
        }
        return nil
    }

    /// `[a-z0-9][a-z0-9_-]{0,31}`.
    static func isValidName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard (1...32).contains(scalars.count) else { return false }
        func isLowerAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        return isLowerAlphanumeric(scalars[0])
            && scalars.dropFirst().allSatisfy { isLowerAlphanumeric($0) || $0 == "_" || $0 == "-" }
    }

    /// The version travels in a query string (`?api-version=…`): characters that would need
    /// escaping there are surely a typo.
    static func isValidAPIVersion(_ version: String) -> Bool {
        version.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "." || $0 == "_")
        }
    }

    /// `accounts.NAME` when the entry has a valid name, else `accounts[INDEX]`.
    static func label(_ fields: [String: ConfigNode], index: Int) -> String {
        if case .string(let name) = fields["name"], isValidName(name) { return "accounts.\(name)" }
        return "accounts[\(index)]"
    }
}
