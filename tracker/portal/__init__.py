"""What a patient sees: their courses, progress, appointments, balance and check-ins."""
