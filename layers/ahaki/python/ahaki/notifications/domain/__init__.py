"""notifications/domain"""
