-- What the job computes, in SQLite, over the same CSV files (${DATA_DIR} is substituted).
.import --csv ${DATA_DIR}/orders.csv orders
select customer_id, count(*), printf('%.2f', sum(cast(amount as real) * quantity)), max(cast(amount as real)),
       avg(cast(amount as real))
from orders where status = 'complete' and amount <> ''
group by customer_id;
