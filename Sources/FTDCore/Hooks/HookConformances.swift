extension AppDatabase: DeliveryOutbox {}

extension HookRunner: HookRunning {}
