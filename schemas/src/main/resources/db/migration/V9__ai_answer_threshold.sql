-- The offline engine now scores a passage by its best sentence as well; 0.4 keeps unrelated questions (about 0.1 to
-- 0.2 with all-MiniLM-L6-v2) handed off while short questions reach the sentence that answers them.
ALTER TABLE ai_agents ALTER COLUMN answer_threshold SET DEFAULT 0.4;
