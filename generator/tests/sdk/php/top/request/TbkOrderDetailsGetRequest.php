<?php
/**
 * TOP API: taobao.tbk.order.details.get request
 * 
 * @author auto create
 * @since 1.0, 2026.11.30
 */
class TbkOrderDetailsGetRequest
{
	/** 
	 * 订单查询结束时间，订单开始时间至订单结束时间，中间时间段日常要求不超过3个小时
	 **/
	private $endTime;
	
	/** 
	 * 页大小，默认20，1~100
	 **/
	private $pageSize;
	
	/** 
	 * 位点，除第一页之外，都需要传递；前端原样返回。
	 **/
	private $positionIndex;
	
	/** 
	 * 订单查询开始时间
	 **/
	private $startTime;
	
	private $apiParas = array();
	
	public function setEndTime($endTime)
	{
		$this->endTime = $endTime;
		$this->apiParas["end_time"] = $endTime;
	}

	public function getEndTime()
	{
		return $this->endTime;
	}

	public function setPageSize($pageSize)
	{
		$this->pageSize = $pageSize;
		$this->apiParas["page_size"] = $pageSize;
	}

	public function setPositionIndex($positionIndex)
	{
		$this->positionIndex = $positionIndex;
		$this->apiParas["position_index"] = $positionIndex;
	}

	public function setStartTime($startTime)
	{
		$this->startTime = $startTime;
		$this->apiParas["start_time"] = $startTime;
	}

	public function getApiMethodName()
	{
		return "taobao.tbk.order.details.get";
	}
	
	public function getApiParas()
	{
		return $this->apiParas;
	}
	
	public function check()
	{
		
		RequestCheckUtil::checkNotNull($this->endTime,"endTime");
		RequestCheckUtil::checkMaxValue($this->pageSize,100,"pageSize");
		RequestCheckUtil::checkMinValue($this->pageSize,1,"pageSize");
		RequestCheckUtil::checkMaxLength($this->positionIndex,256,"positionIndex");
		RequestCheckUtil::checkNotNull($this->startTime,"startTime");
	}
	
	public function putOtherTextParam($key, $value) {
		$this->apiParas[$key] = $value;
		$this->$key = $value;
	}
}
