/// An answer in the OpenAI error envelope: `{"error": {"message", "type", "param", "code"}}`.
struct SimulatorAPIError: Error, Sendable, Equatable {
    let status: Int
    let message: String
    let type: String
    let param: String?
    let code: String?
    /// Azure's code when it is a name (`DeploymentNotFound`) rather than the HTTP status.
    let azureCode: String?
    /// Azure: answered by the gateway in front of the resource, in its own envelope
    /// `{"statusCode": 401, "message": "…"}` rather than the resource's `{"error": …}`.
    var fromAzureGateway = false

    init(
        status: Int, message: String, type: String = "invalid_request_error", param: String? = nil,
        code: String? = nil, azureCode: String? = nil
    ) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.azureCode = azureCode
    }

    var envelope: SimJSON {
        .object([
            (
                "error",
                .object([
                    ("message", .string(message)),
                    ("type", .string(type)),
                    ("param", .optional(param)),
                    ("code", .optional(code)),
                ])
            )
        ])
    }

    /// Azure's envelope: `{"error": {"code": "401", "message": "…"}}`, the code the HTTP
    /// status as a string, or a name where Azure gives one (docs/azure.md).
    var azureEnvelope: SimJSON {
        .object([
            (
                "error",
                .object([("code", .string(azureCode ?? String(status))), ("message", .string(message))])
            )
        ])
    }

    /// Azure: a chat completion for a deployment the resource does not have.
    static let azureDeploymentNotFound = SimulatorAPIError(
        status: 404,
        message:
            "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
        azureCode: "DeploymentNotFound")

    /// The Azure gateway's envelope (docs/azure.md): no `error` key, the status a number.
    var azureGatewayEnvelope: SimJSON {
        .object([("statusCode", .int(Int64(status))), ("message", .string(message))])
    }

    func envelope(for flavor: SimulatorFlavor) -> SimJSON {
        guard flavor == .azure else { return envelope }
        return fromAzureGateway ? azureGatewayEnvelope : azureEnvelope
    }

    /// Azure: no `api-key` header, or a key the resource does not have.
    static let azureInvalidKey = SimulatorAPIError(
        status: 401,
        message:
            "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."
    )

    /// Azure: `Authorization: Bearer …` without an `api-key`, taken as an Entra ID token,
    /// which the simulator never accepts. The gateway refuses it, in its own envelope and
    /// words ("or have expired", as sent).
    static let azureInvalidToken: SimulatorAPIError = {
        var error = SimulatorAPIError(
            status: 401,
            message:
                "Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired."
        )
        error.fromAzureGateway = true
        return error
    }()

    /// Azure: a path it does not serve, or a dated-surface request without the api-version
    /// it serves.
    static let azureResourceNotFound = SimulatorAPIError(status: 404, message: "Resource not found")

    static func jobNotFound(_ id: String) -> SimulatorAPIError {
        SimulatorAPIError(
            status: 404, message: "No such fine-tuning job: '\(id)'.", param: "fine_tune_id",
            code: "fine_tune_not_found")
    }

    static func fileNotFound(_ id: String, param: String = "file_id") -> SimulatorAPIError {
        SimulatorAPIError(status: 404, message: "No such File object: \(id)", param: param, code: nil)
    }

    /// A job asked for a file that is still `uploaded`.
    static func fileNotReady(_ id: String, param: String) -> SimulatorAPIError {
        SimulatorAPIError(
            status: 400,
            message:
                "File '\(id)' is still being processed and is not ready to be used for fine-tuning. Wait until its status is 'processed' (GET /v1/files/\(id)) and try again.",
            param: param, code: "file_not_ready")
    }

    /// A fine-tuning upload with a line that is not a JSON object.
    static func notJSONLines(line: Int) -> SimulatorAPIError {
        SimulatorAPIError(
            status: 400,
            message:
                "Expected file to have JSONL format, where every line is a valid JSON dictionary. Line \(line) is not a dictionary.",
            param: "file", code: "invalid_file_format")
    }

    /// A chat completion asked for a model that does not exist (yet).
    static func modelNotFound(_ model: String) -> SimulatorAPIError {
        SimulatorAPIError(
            status: 404, message: "The model `\(model)` does not exist or you do not have access to it.",
            code: "model_not_found")
    }

    static func missingParameter(_ name: String) -> SimulatorAPIError {
        SimulatorAPIError(
            status: 400, message: "Missing required parameter: '\(name)'.", param: name,
            code: "missing_required_parameter")
    }

    static func invalid(_ message: String, param: String? = nil) -> SimulatorAPIError {
        SimulatorAPIError(status: 400, message: message, param: param, code: nil)
    }

    static let missingKey = SimulatorAPIError(
        status: 401,
        message:
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        code: nil
    )

    static func incorrectKey(_ key: String) -> SimulatorAPIError {
        let masked = key.count > 8 ? "\(key.prefix(3))****\(key.suffix(4))" : "****"
        return SimulatorAPIError(
            status: 401,
            message:
                "Incorrect API key provided: \(masked). You can find your API key at https://platform.openai.com/account/api-keys.",
            code: "invalid_api_key"
        )
    }

    static let rateLimited = SimulatorAPIError(
        status: 429, message: "Rate limit reached for requests", type: "requests", code: "rate_limit_exceeded"
    )

    static func server(status: Int) -> SimulatorAPIError {
        SimulatorAPIError(
            status: status,
            message: "The server had an error while processing your request. Sorry about that!",
            type: "server_error"
        )
    }
}
