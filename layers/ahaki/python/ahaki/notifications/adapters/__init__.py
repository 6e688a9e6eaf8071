"""notifications/adapters"""
