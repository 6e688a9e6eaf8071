"""notifications/services"""
